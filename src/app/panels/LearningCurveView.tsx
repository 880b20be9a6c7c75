// The learning curve in the Results panel: "how many examples do I need?". Prompts trained from scratch on nested
// subsets of the training split (the sizes typed), N seeds each, scored on the validation split; the chart draws
// the mean of the first metric against the number of examples (with its spread), the untuned model as a line.
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { learningCurve, stopCrossValidation } from '../actions/cross-validate.ts';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { NumberField } from '../components/NumberField.tsx';
import { useCurve } from '../cv-store.ts';
import { useEngineJob } from '../engine-busy.ts';
import { fixed } from '../format.ts';
import { DEFAULT_CURVE } from '../project.ts';
import { updateProject, useStudio } from '../store.ts';

const NAMES: Record<string, string> = { accuracy: 'accuracy', macro_f1: 'macro-F1', exact_match: 'exact match', token_f1: 'token F1', rouge_l: 'ROUGE-L', chrf: 'chrF' };

export function LearningCurveView({ disabled }: { disabled: boolean }) {
  const curve = useStudio((s) => s.project.curve ?? DEFAULT_CURVE);
  const state = useCurve();
  const engineJob = useEngineJob();
  const set = (value: Partial<typeof curve>) => updateProject((p) => ({ curve: { ...(p.curve ?? DEFAULT_CURVE), ...value } }));
  const result = state.result;
  const metrics = result ? Object.keys(result.baseline) : state.runs.length ? Object.keys(state.runs[0].tuned) : [];
  // Free text: chrF tells partial answers apart; classification: accuracy.
  const metric = metrics.includes('chrf') ? 'chrf' : metrics[0] ?? 'accuracy';
  const digits = metric === 'chrf' ? 1 : 3;
  const points = result?.points.map((p) => ({ size: p.size, mean: p.tuned[metric]?.mean, std: p.tuned[metric]?.std })) ?? [];
  const dots = state.runs.map((r) => ({ size: r.size, value: r.tuned[metric] }));
  return (
    <section className="learning-curve" data-testid="lc.section">
      <h3>Learning curve</h3>
      <p className="hint">How many examples does the prompt need? Prompts train from scratch on the first 8, 16, … rows of the training split (labels taken in turn), and are scored on the validation split.</p>
      <div className="grid-fields">
        <label className="field">
          <span>training sizes</span>
          <input data-testid="lc.sizes" value={curve.sizes} onChange={(e) => set({ sizes: e.target.value })} />
        </label>
        <NumberField label="seeds per size" testId="lc.seeds" value={curve.seeds} integer min={1} onChange={(v) => set({ seeds: v })} />
      </div>
      <div className="train-controls">
        <button type="button" data-testid="lc.start" disabled={disabled || engineJob !== null} onClick={() => void learningCurve()}>
          Learning curve
        </button>
        <button type="button" data-testid="lc.stop" disabled={!state.running} onClick={() => void stopCrossValidation()}>
          Stop
        </button>
      </div>
      {state.running && (
        <div data-testid="lc.progress" data-fraction={state.progress?.fraction ?? 0}>
          <progress max={1} value={state.progress?.fraction ?? 0} />
          <p className="progress-line">
            {state.runs.length} of {state.total} runs done. {state.progress?.message ?? 'Starting…'}
          </p>
        </div>
      )}
      {(dots.length > 0 || result) && (
        <div className="chart" data-testid="lc.chart" data-points={points.length} data-metric={metric}>
          <ResponsiveContainer width="100%" height={240}>
            <ComposedChart margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#d9dde5" />
              <XAxis type="number" dataKey="size" scale="log" domain={['auto', 'auto']} allowDuplicatedCategory={false} label={{ value: 'training examples', position: 'insideBottomRight', offset: -4 }} />
              <YAxis domain={metric === 'chrf' ? [0, 100] : [0, 1]} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(digits) : String(v))} />
              <Legend />
              <Scatter data={dots} dataKey="value" name={`each run (${NAMES[metric] ?? metric})`} fill="#9fb7e0" isAnimationActive={false} />
              <Line data={points} dataKey="mean" name={`tuned prompt, mean ${NAMES[metric] ?? metric}`} stroke="#2a6fdb" isAnimationActive={false} />
              {result && <ReferenceLine y={result.baseline[metric]} stroke="#d9822b" strokeDasharray="5 4" label={{ value: 'untuned model', position: 'insideTopLeft' }} />}
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
      {result && (
        <table className="data-table" data-testid="lc.table" data-stopped={result.stopped}>
          <thead>
            <tr>
              <th>training examples</th>
              {metrics.map((m) => (
                <th key={m}>{NAMES[m] ?? m}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th>untuned model</th>
              {metrics.map((m) => (
                <td key={m} data-testid={`lc.baseline-${m}`} data-value={result.baseline[m]}>
                  {fixed(result.baseline[m], m === 'chrf' ? 1 : 3)}
                </td>
              ))}
            </tr>
            {result.points.map((p) => (
              <tr key={p.size} data-testid="lc.point" data-size={p.size}>
                <th>{p.size}</th>
                {metrics.map((m) => (
                  <td key={m} data-mean={p.tuned[m]?.mean} data-std={p.tuned[m]?.std}>
                    {fixed(p.tuned[m]?.mean, m === 'chrf' ? 1 : 3)} ± {fixed(p.tuned[m]?.std, m === 'chrf' ? 1 : 3)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorLine error={state.error} testId="lc.error" />
    </section>
  );
}
