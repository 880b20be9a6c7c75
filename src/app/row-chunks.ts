// The table is saved in chunks of rows, each under its own IndexedDB key, so an edit to one cell of a 50,000-row
// table rewrites one chunk instead of the whole table (a 5 MB structured clone on the main thread per save).
import type { DataRow } from './project.ts';

export const ROWS_PER_CHUNK = 2000;

export function chunkRows(rows: readonly DataRow[], size = ROWS_PER_CHUNK): DataRow[][] {
  const chunks: DataRow[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Indices of the chunks that differ from the ones last saved (rows compared by identity: the store never mutates a
 *  row, an edit makes a new one), and how many saved chunks are left over beyond the new table's end. */
export function changedChunks(next: readonly DataRow[][], saved: readonly DataRow[][]): { changed: number[]; stale: number[] } {
  const changed: number[] = [];
  for (let i = 0; i < next.length; i++) {
    const a = next[i];
    const b = saved[i];
    if (!b || a.length !== b.length || a.some((row, j) => row !== b[j])) changed.push(i);
  }
  const stale: number[] = [];
  for (let i = next.length; i < saved.length; i++) stale.push(i);
  return { changed, stale };
}
