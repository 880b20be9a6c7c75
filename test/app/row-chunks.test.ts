// The table is saved in chunks; an edit rewrites only the chunks whose rows changed, and a shorter table drops the
// chunks beyond its end.
import { describe, expect, it } from 'vitest';
import { changedChunks, chunkRows } from '../../src/app/row-chunks.ts';

const table = (n: number) => Array.from({ length: n }, (_, i) => ({ input: `row ${i}`, output: i % 2 ? 'yes' : 'no' }));

describe('row chunks', () => {
  it('cuts a table into chunks that put back together give the table', () => {
    const rows = table(5);
    const chunks = chunkRows(rows, 2);
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 1]);
    expect(chunks.flat()).toEqual(rows);
    expect(chunkRows([], 2)).toEqual([]);
  });

  it('finds the one chunk an edit changed, and none when nothing did', () => {
    const rows = table(10);
    const saved = chunkRows(rows, 4);
    expect(changedChunks(chunkRows(rows, 4), saved)).toEqual({ changed: [], stale: [] });
    const edited = rows.map((r, i) => (i === 5 ? { ...r, output: 'maybe' } : r));
    expect(changedChunks(chunkRows(edited, 4), saved)).toEqual({ changed: [1], stale: [] });
  });

  it('rewrites the chunks after an inserted row, and drops the ones past a shorter table', () => {
    const rows = table(10);
    const saved = chunkRows(rows, 4);
    const inserted = [...rows.slice(0, 6), { input: 'new', output: 'yes' }, ...rows.slice(6)];
    expect(changedChunks(chunkRows(inserted, 4), saved)).toEqual({ changed: [1, 2], stale: [] });
    expect(changedChunks(chunkRows(rows.slice(0, 3), 4), saved)).toEqual({ changed: [0], stale: [1, 2] });
    expect(changedChunks(chunkRows(rows, 4), [])).toEqual({ changed: [0, 1, 2], stale: [] });
  });
});
