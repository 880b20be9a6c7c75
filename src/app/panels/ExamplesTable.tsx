// Predictions side by side, per validation example: the expected answer, the untuned model's and the tuned
// prompt's output (free text, with each one's token F1) or label (classification, with its score margin: the
// chosen label's log-likelihood minus the runner-up's). A filter keeps only the examples whose answer changed.
import { useState } from 'react';
import type { EvalExample, EvalReport } from '../../worker/protocol.ts';
import { fixed } from '../format.ts';

function Cell({ e, testId }: { e: EvalExample | undefined; testId: string }) {
  if (!e) return <td>—</td>;
  const note = e.margin != null ? `margin ${fixed(e.margin, 2)}` : e.scores ? `F1 ${fixed(e.scores.tokenF1, 2)} · chrF ${fixed(e.scores.chrf, 0)}` : null;
  return (
    <td className={e.correct ? 'ok' : 'bad'} data-testid={testId}>
      {e.predicted === '' ? <i>(nothing)</i> : e.predicted}
      {note && <small className="hint"> {note}</small>}
    </td>
  );
}

export function ExamplesTable({ report, limit = 40 }: { report: EvalReport; limit?: number }) {
  const [changedOnly, setChangedOnly] = useState(false);
  const tuned = report.tuned?.examples ?? null;
  const rows = report.baseline.examples.map((base, i) => ({ base, tuned: tuned?.[i], changed: tuned !== null && tuned[i]?.predicted !== base.predicted }));
  const changed = rows.filter((r) => r.changed).length;
  const shown = (changedOnly ? rows.filter((r) => r.changed) : rows).slice(0, limit);
  return (
    <div className="table-wrap">
      {tuned && (
        <label className="inline-check">
          <input type="checkbox" data-testid="results.changed-only" checked={changedOnly} onChange={(e) => setChangedOnly(e.target.checked)} />
          only the {changed} example{changed === 1 ? '' : 's'} whose answer changed
        </label>
      )}
      <table className="examples" data-testid="results.examples" data-count={shown.length} data-changed={changed}>
        <thead>
          <tr>
            <th>input</th>
            <th>expected</th>
            <th>untuned model</th>
            {tuned && <th>tuned prompt</th>}
          </tr>
        </thead>
        <tbody>
          {shown.map(({ base, tuned: t, changed: c }, i) => (
            <tr key={i} data-changed={c} data-testid="results.example">
              <td className="clip" title={base.input}>
                {base.input}
              </td>
              <td data-testid="results.example-expected">{base.expected}</td>
              <Cell e={base} testId="results.example-baseline" />
              {tuned && <Cell e={t} testId="results.example-tuned" />}
            </tr>
          ))}
        </tbody>
      </table>
      {(changedOnly ? changed : rows.length) > limit && <p className="hint">First {limit} of {changedOnly ? changed : rows.length} validation examples.</p>}
    </div>
  );
}
