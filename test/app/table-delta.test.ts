// The page sends the worker only the rows a table change touched: applied to the worker's copy, the delta must give
// exactly the page's table, whatever the change; small changes must stay small (that is the point), and a delta
// that does not fit the worker's table is refused, not half applied.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTableDelta, tableDelta } from '../../src/worker/table-delta.ts';
import type { TableRow } from '../../src/worker/table-csv.ts';

const row = (n: number): TableRow => ({ input: `text ${n}`, output: n % 2 ? 'positive' : 'negative' });
const table = (n: number) => Array.from({ length: n }, (_, i) => row(i));

describe('table deltas', () => {
  it('an edit, Add row and ✕ travel as one row each', () => {
    const sent = table(50_000);
    const edited = sent.with(123, { input: 'changed', output: 'positive' });
    expect(tableDelta(sent, edited, 100)).toEqual({ kind: 'rows', changes: [{ index: 123, row: edited[123] }] });
    const added = [...sent, { input: '', output: '' }];
    expect(tableDelta(sent, added, 100)).toEqual({ kind: 'splice', start: 50_000, deleteCount: 0, rows: [added[50_000]] });
    const deleted = sent.toSpliced(40_000, 1);
    expect(tableDelta(sent, deleted, 100)).toEqual({ kind: 'splice', start: 40_000, deleteCount: 1, rows: [] });
    // Deleting one of two equal neighbours: either is right, the result must be the page's table.
    const twins = [row(1), row(2), row(2), row(3)];
    expect(applyTableDelta(twins, tableDelta(twins, twins.toSpliced(1, 1), 100)!)).toEqual(twins.toSpliced(1, 1));
  });

  it('a change touching more rows than the limit sends the whole table', () => {
    const sent = table(1_000);
    expect(tableDelta(sent, sent.map((r) => ({ ...r })), 100)).toBeNull();
    expect(tableDelta(sent, [...sent.slice(0, 10), ...table(200), ...sent.slice(10)], 100)).toBeNull();
    expect(tableDelta([], table(101), 100)).toBeNull();
  });

  it('applied to the worker copy, any delta gives the page table (generated edits, inserts, deletes)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), n: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), n: fc.nat(300) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.nat(300) }),
    );
    fc.assert(
      fc.property(fc.nat(400), fc.array(op, { maxLength: 6 }), (size, ops) => {
        const sent = table(size);
        let rows: TableRow[] = sent;
        for (const o of ops) {
          const at = rows.length ? o.at % (rows.length + 1) : 0;
          if (o.kind === 'edit' && at < rows.length) rows = rows.with(at, row(1_000_000 + o.n));
          if (o.kind === 'insert') rows = rows.toSpliced(at, 0, ...Array.from({ length: o.n % 5 }, (_, i) => row(2_000_000 + i)));
          if (o.kind === 'delete') rows = rows.toSpliced(at, o.n % 5);
        }
        const delta = tableDelta(sent, rows, 100);
        if (delta) expect(applyTableDelta(sent, delta)).toEqual(rows);
        // Few touched rows always go as a delta.
        if (ops.length <= 1) expect(delta).not.toBeNull();
      }),
      { numRuns: 2_000 },
    );
  });

  it("refuses a delta that does not fit the worker's table", () => {
    expect(() => applyTableDelta(table(3), { kind: 'rows', changes: [{ index: 7, row: row(0) }] })).toThrow(/row 7 of 3/);
    expect(() => applyTableDelta(table(3), { kind: 'splice', start: 2, deleteCount: 5, rows: [] })).toThrow(/rows 2–7 of 3/);
  });
});
