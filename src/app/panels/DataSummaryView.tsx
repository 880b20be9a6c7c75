// What the worker made of the data: line-numbered errors (pointing at table rows or at the imported text),
// counts per split and label, rows too long for the model.
import type { DatasetSummary } from '../../worker/protocol.ts';

export function DataErrors({ summary, source, rowOfLine }: { summary: DatasetSummary; source: string; rowOfLine(line: number): number | null }) {
  if (summary.errors.length === 0) return null;
  const shown = summary.errors.slice(0, 50);
  return (
    <div className="data-errors" role="alert" data-testid="data.errors" data-count={summary.errors.length}>
      <strong>
        {summary.errors.length} problem{summary.errors.length === 1 ? '' : 's'} in {source === 'table' ? 'the table' : source}:
      </strong>
      <ul>
        {shown.map((e, i) => {
          const row = source === 'table' ? rowOfLine(e.line) : null;
          return (
            <li key={i} data-testid="data.error-line" data-line={e.line}>
              {row !== null ? `row ${row + 1}` : `line ${e.line}`}: {e.message}
            </li>
          );
        })}
      </ul>
      {summary.errors.length > shown.length && <p className="hint">…and {summary.errors.length - shown.length} more.</p>}
    </div>
  );
}

export function DataCounts({ summary }: { summary: DatasetSummary }) {
  return (
    <div className="data-summary" data-testid="data.summary" data-ok={summary.ok} data-train={summary.train} data-validation={summary.validation}>
      <p>
        {summary.kind === 'classification' ? 'Classification' : 'Free-text generation'} · {summary.train} training,{' '}
        {summary.validation} validation examples
      </p>
      {summary.labels.length > 0 && (
        <p className="labels">
          {summary.labels.map((l) => (
            <span key={l.label} className="chip">
              {l.label} <small>{l.count}</small>
            </span>
          ))}
        </p>
      )}
      {summary.tooLong.length > 0 && (
        <p className="warn" data-testid="data.too-long">
          {summary.tooLong.length} row{summary.tooLong.length === 1 ? ' is' : 's are'} longer than the model’s context (e.g. line{' '}
          {summary.tooLong[0].row}: {summary.tooLong[0].tokens} tokens &gt; {summary.tooLong[0].limit}). Nothing is cut: shorten
          them, or use fewer virtual tokens, to train.
        </p>
      )}
    </div>
  );
}
