// Cross-validation in the Results panel: K folds over every row (stratified by label for classification) × N
// seeds, each trained from scratch with the current settings; every finished run as a row, and mean ± standard
// deviation for the tuned prompt beside the untuned model on the same folds. Stop keeps what finished.
import { crossValidate, stopCrossValidation } from '../actions/cross-validate.ts';
import { NumberField } from '../components/NumberField.tsx';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { useCv } from '../cv-store.ts';
import { useEngineJob } from '../engine-busy.ts';
import { BrittlenessView } from './BrittlenessView.tsx';
import { LearningCurveView } from './LearningCurveView.tsx';
import { fixed } from '../format.ts';
import { DEFAULT_CV } from '../project.ts';
import { updateProject, useStudio } from '../store.ts';
import type { MetricSummary } from '../../worker/protocol.ts';

const METRIC_NAMES: Record<string, string> = { accuracy: 'accuracy', macro_f1: 'macro-F1', exact_match: 'exact match', token_f1: 'token F1', rouge_l: 'ROUGE-L', chrf: 'chrF' };
const digits = (metric: string) => (metric === 'chrf' ? 1 : 3);

function MeanStd({ s, metric, testId }: { s: MetricSummary | undefined; metric: string; testId: string }) {
  if (!s || s.values.length === 0) return <td>—</td>;
  return (
    <td data-testid={testId} data-mean={s.mean} data-std={s.std} data-values={s.values.join(',')} title={`each: ${s.values.map((v) => fixed(v, digits(metric))).join(', ')}`}>
      {fixed(s.mean, digits(metric))} ± {fixed(s.std, digits(metric))}
    </td>
  );
}

export function CrossValidateView({ disabled }: { disabled: boolean }) {
  const cv = useStudio((s) => s.project.cv ?? DEFAULT_CV);
  const steps = useStudio((s) => s.project.hyper.steps);
  const instruction = useStudio((s) => s.project.prompts.instruction);
  const state = useCv();
  const engineJob = useEngineJob();
  const set = (value: Partial<typeof cv>) => updateProject((p) => ({ cv: { ...(p.cv ?? DEFAULT_CV), ...value } }));
  const result = state.result;
  const metrics = result ? Object.keys(result.tuned) : state.runs.length ? Object.keys(state.runs[0].tuned) : [];
  return (
    <section className="cross-validate" data-testid="cv.section">
      <h3>Cross-validation</h3>
      <p className="hint">
        With few examples one split can mislead. Every row is dealt into K folds (by label for classification); each fold is held out in turn while a
        prompt trains from scratch on the others ({steps} steps, the current settings), once per seed. 1 fold = the current split, over the seeds.
        {instruction.trim() ? ' The hand-written instruction (Readable prompts) is scored on the same folds.' : ' Type an instruction under Readable prompts to score it on the same folds.'}
      </p>
      <div className="grid-fields">
        <NumberField label="folds" testId="cv.folds" value={cv.folds} integer min={1} onChange={(v) => set({ folds: v })} />
        <NumberField label="seeds" testId="cv.seeds" value={cv.seeds} integer min={1} onChange={(v) => set({ seeds: v })} />
      </div>
      <div className="train-controls">
        <button type="button" data-testid="cv.start" disabled={disabled || engineJob !== null} onClick={() => void crossValidate()}>
          Cross-validate
        </button>
        <button type="button" data-testid="cv.stop" disabled={!state.running} onClick={() => void stopCrossValidation()}>
          Stop
        </button>
      </div>
      {state.running && (
        <div data-testid="cv.progress" data-fraction={state.progress?.fraction ?? 0}>
          <progress max={1} value={state.progress?.fraction ?? 0} />
          <p className="progress-line">
            {state.runs.length} of {state.total} runs done. {state.progress?.message ?? 'Starting…'}
          </p>
        </div>
      )}
      {result && (
        <p className="hint" data-testid="cv.done" data-runs={result.runs.length} data-stopped={result.stopped}>
          {result.stopped ? `Stopped: ${result.runs.length} of ${result.folds * result.seeds} runs finished and are summarised.` : `${result.runs.length} runs in ${fixed(result.seconds, 0)} s.`}
        </p>
      )}
      {result && metrics.length > 0 && (
        <table className="data-table" data-testid="cv.summary">
          <thead>
            <tr>
              <th />
              {metrics.map((m) => (
                <th key={m}>{METRIC_NAMES[m] ?? m}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th>untuned model (per fold)</th>
              {metrics.map((m) => (
                <MeanStd key={m} s={result.baseline[m]} metric={m} testId={`cv.baseline-${m}`} />
              ))}
            </tr>
            {result.instruction && (
              <tr title={instruction}>
                <th>your instruction (per fold)</th>
                {metrics.map((m) => (
                  <MeanStd key={m} s={result.instruction?.[m]} metric={m} testId={`cv.instruction-${m}`} />
                ))}
              </tr>
            )}
            <tr>
              <th>tuned prompt (per fold × seed)</th>
              {metrics.map((m) => (
                <MeanStd key={m} s={result.tuned[m]} metric={m} testId={`cv.tuned-${m}`} />
              ))}
            </tr>
          </tbody>
        </table>
      )}
      {state.runs.length > 0 && (
        <div className="table-wrap">
          <table className="data-table" data-testid="cv.runs" data-count={state.runs.length}>
            <thead>
              <tr>
                <th>fold</th>
                <th>seed</th>
                <th>train / held out</th>
                {metrics.map((m) => (
                  <th key={m}>
                    {METRIC_NAMES[m] ?? m}: untuned{state.runs[0]?.instruction ? ' / instruction' : ''} → tuned
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {state.runs.map((r) => (
                <tr key={`${r.fold}-${r.seed}`}>
                  <td>{r.fold + 1}</td>
                  <td>{r.seed}</td>
                  <td>
                    {r.train} / {r.validation}
                  </td>
                  {metrics.map((m) => (
                    <td key={m}>
                      {fixed(r.baseline[m], digits(m))}
                      {r.instruction ? ` / ${fixed(r.instruction[m], digits(m))}` : ''} → {fixed(r.tuned[m], digits(m))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorLine error={state.error} testId="cv.error" />
      <LearningCurveView disabled={disabled} />
      <BrittlenessView disabled={disabled} />
    </section>
  );
}
