// What the worker made of the data: line-numbered errors (pointing at table rows or at the imported text),
// counts per split and label, rows too long for the model.
import type { DatasetSummary } from '../../worker/protocol.ts';
import { withoutLinePrefix } from '../errors.ts';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function DataErrors({ summary, source, rowOfLine }: { summary: DatasetSummary; source: string; rowOfLine(line: number): number | null }) {
  if (summary.errors.length === 0) return null;
  const shown = summary.errors.slice(0, 50);
  const where = source === 'table' ? 'the table' : source;
  // Line 0 = the template, the settings or the data as a whole: no line to point at.
  const inLines = summary.errors.filter((e) => e.line > 0).length;
  const total = summary.errors.length;
  const heading = inLines === total ? `${plural(total, 'problem')} in ${where}:` : inLines === 0 ? `${plural(total, 'problem')}:` : `${plural(total, 'problem')} (${inLines} in ${where}):`;
  return (
    <div className="data-errors" role="alert" data-testid="data.errors" data-count={summary.errors.length}>
      <strong data-testid="data.errors-heading">{heading}</strong>
      <ul>
        {shown.map((e, i) => {
          const row = source === 'table' ? rowOfLine(e.line) : null;
          const text = withoutLinePrefix(e.message, e.line);
          const place = e.line === 0 ? '' : row !== null ? `row ${row + 1}: ` : `line ${e.line}: `;
          return (
            <li key={i} data-testid="data.error-line" data-line={e.line}>
              {place}
              {text}
            </li>
          );
        })}
      </ul>
      {summary.errors.length > shown.length && <p className="hint">…and {summary.errors.length - shown.length} more.</p>}
    </div>
  );
}

/** Worth a look, not blocking: values read as text, labels that differ only in case (with a merge), one label. */
export function DataWarnings({ summary, onMerge }: { summary: DatasetSummary; onMerge: ((m: { variants: string[]; into: string }) => void) | null }) {
  const warnings = summary.warnings ?? [];
  const merges = summary.merges ?? [];
  if (warnings.length === 0 && merges.length === 0) return null;
  const shown = warnings.slice(0, 50); // a large JSONL file may warn on every line
  return (
    <div className="warn" data-testid="data.warnings" data-count={warnings.length}>
      <ul>
        {shown.map((w, i) => (
          <li key={i} data-testid="data.warning" data-line={w.line}>
            {w.line > 0 ? `line ${w.line}: ` : ''}
            {withoutLinePrefix(w.message, w.line)}
          </li>
        ))}
      </ul>
      {warnings.length > shown.length && <p className="hint">…and {warnings.length - shown.length} more.</p>}
      {onMerge &&
        merges.map((m) => (
          <button key={m.into} type="button" data-testid="data.merge-labels" onClick={() => onMerge(m)}>
            Merge {m.variants.map((v) => `“${v}”`).join(', ')} into “{m.into}”
          </button>
        ))}
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
