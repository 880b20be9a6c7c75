// Per-example predictions, baseline and tuned in adjacent columns, so the user sees what changed.
import type { EvalReport } from '../../worker/protocol.ts';

export function ExamplesTable({ report, limit = 40 }: { report: EvalReport; limit?: number }) {
  const base = report.baseline.examples.slice(0, limit);
  const tuned = report.tuned?.examples ?? [];
  return (
    <div className="table-wrap">
      <table className="examples" data-testid="results.examples" data-count={base.length}>
        <thead>
          <tr>
            <th>input</th>
            <th>expected</th>
            <th>baseline</th>
            {report.tuned && <th>tuned</th>}
          </tr>
        </thead>
        <tbody>
          {base.map((e, i) => (
            <tr key={i}>
              <td className="clip" title={e.input}>
                {e.input}
              </td>
              <td>{e.expected}</td>
              <td className={e.correct ? 'ok' : 'bad'}>{e.predicted}</td>
              {report.tuned && <td className={tuned[i]?.correct ? 'ok' : 'bad'}>{tuned[i]?.predicted ?? '—'}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {report.baseline.examples.length > limit && <p className="hint">First {limit} of {report.baseline.examples.length} validation examples.</p>}
    </div>
  );
}
