// Brittleness in the Results panel: the untuned model, the hand-written instruction (Readable prompts) and the
// tuned prompt scored under rewordings of the template that should not matter; each row shows its score per
// variant and the spread (max − min), mean ± std.
import { measureBrittleness, stopCrossValidation } from '../actions/cross-validate.ts';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { useBrittle } from '../cv-store.ts';
import { useEngineJob } from '../engine-busy.ts';
import { fixed } from '../format.ts';
import { updateProject, useStudio } from '../store.ts';

const ROW_NAMES = { untuned: 'untuned model', instruction: 'your instruction', tuned: 'tuned prompt' } as const;

export function BrittlenessView({ disabled }: { disabled: boolean }) {
  const variants = useStudio((s) => s.project.variants ?? '');
  const state = useBrittle();
  const engineJob = useEngineJob();
  const result = state.result;
  const metric = result?.rows[0]?.values[0] ? Object.keys(result.rows[0].values[0])[0] : 'accuracy';
  const show = (x: number | undefined) => fixed(x, metric === 'chrf' ? 1 : 3);
  return (
    <section className="brittleness" data-testid="br.section">
      <h3>Brittleness</h3>
      <p className="hint">
        Hand-written prompts are known to move with small wording changes. Each template variant below re-renders the validation rows; leave it empty
        for the defaults (spacing, casing, punctuation, a synonym for the field name). One template per line, <code>\n</code> for a line break.
      </p>
      <textarea data-testid="br.variants" rows={3} value={variants} placeholder={'Text: {input}\\nCode:\nreview: {input}\\ncode:'} onChange={(e) => updateProject({ variants: e.target.value })} />
      <div className="train-controls">
        <button type="button" data-testid="br.start" disabled={disabled || engineJob !== null} onClick={() => void measureBrittleness()}>
          Measure brittleness
        </button>
        <button type="button" data-testid="br.stop" disabled={!state.running} onClick={() => void stopCrossValidation()}>
          Stop
        </button>
      </div>
      {state.running && (
        <div data-testid="br.progress" data-fraction={state.progress?.fraction ?? 0}>
          <progress max={1} value={state.progress?.fraction ?? 0} />
          <p className="progress-line">{state.progress?.message ?? 'Starting…'}</p>
        </div>
      )}
      {result && (
        <div className="table-wrap">
          <table className="data-table" data-testid="br.table" data-stopped={result.stopped} data-metric={metric}>
            <thead>
              <tr>
                <th>{metric.replace('_', ' ')}</th>
                {result.variants.map((v) => (
                  <th key={v.name} title={v.template}>
                    {v.name}
                  </th>
                ))}
                <th>mean ± std</th>
                <th>spread</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row) => (
                <tr key={row.name} data-testid={`br.row-${row.name}`} data-spread={row.summary[metric]?.spread} data-values={row.values.map((v) => v[metric]).join(',')}>
                  <th>{ROW_NAMES[row.name]}</th>
                  {result.variants.map((v, i) => (
                    <td key={v.name}>{show(row.values[i]?.[metric])}</td>
                  ))}
                  <td>
                    {show(row.summary[metric]?.mean)} ± {show(row.summary[metric]?.std)}
                  </td>
                  <td>{show(row.summary[metric]?.spread)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorLine error={state.error} testId="br.error" />
    </section>
  );
}
