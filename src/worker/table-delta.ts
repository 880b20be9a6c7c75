// What the page sends the worker when the table changes: the worker keeps the table (setTable), so an edit, an added
// row or a deleted one travels as the rows it touched, not as the whole table (50,000 rows took ~0.7 s to send). Rows
// are compared by identity: the store replaces a row object when it changes and keeps the others.
import type { TableRow } from './table-csv.ts';

export type TableDelta =
  /** Rows edited in place (the table keeps its length): each new row at its index. */
  | { kind: 'rows'; changes: { index: number; row: TableRow }[] }
  /** Rows added or removed in one place (Add row, ✕, a paste in the middle): as Array.prototype.splice. */
  | { kind: 'splice'; start: number; deleteCount: number; rows: TableRow[] };

/** The delta from `sent` to `rows` carrying at most `maxRows` rows, or null when the whole table is cheaper to send. */
export function tableDelta(sent: readonly TableRow[], rows: readonly TableRow[], maxRows: number): TableDelta | null {
  if (sent.length === rows.length) {
    const changes: { index: number; row: TableRow }[] = [];
    for (let i = 0; i < rows.length && changes.length <= maxRows; i++) if (rows[i] !== sent[i]) changes.push({ index: i, row: rows[i] });
    if (changes.length <= maxRows) return { kind: 'rows', changes };
  }
  let start = 0;
  const shorter = Math.min(sent.length, rows.length);
  while (start < shorter && sent[start] === rows[start]) start++;
  let same = 0; // rows equal at the end, after the common start
  while (same < shorter - start && sent[sent.length - 1 - same] === rows[rows.length - 1 - same]) same++;
  const inserted = rows.slice(start, rows.length - same);
  return inserted.length <= maxRows ? { kind: 'splice', start, deleteCount: sent.length - start - same, rows: inserted } : null;
}

/** The worker's side: the kept table with a delta applied (a new array; the kept one may be read meanwhile). */
export function applyTableDelta(kept: readonly TableRow[], delta: TableDelta): TableRow[] {
  const rows = [...kept];
  if (delta.kind === 'splice') {
    if (delta.start < 0 || delta.start + delta.deleteCount > rows.length) throw new Error(`a table change at rows ${delta.start}–${delta.start + delta.deleteCount} of ${rows.length}: the table was not the page's`);
    rows.splice(delta.start, delta.deleteCount, ...delta.rows);
    return rows;
  }
  for (const c of delta.changes) {
    if (c.index < 0 || c.index >= rows.length) throw new Error(`a table change at row ${c.index} of ${rows.length}: the table was not the page's`);
    rows[c.index] = c.row;
  }
  return rows;
}
