// How the studio's table travels to the worker's parser: as CSV text (input,output, and split when a row has one),
// written by papaparse so quotes, commas and newlines in cells survive, blank rows left out. Both sides use it: the
// worker writes the CSV from the rows it keeps (so a template change never sends them again), the UI maps the
// parser's line numbers back onto table rows.
import Papa from 'papaparse';

export const TABLE_FILE_NAME = 'table.csv';

/** One row of the table: an example as the user wrote it, with the file's split ("train", "validation", or empty). */
export interface TableRow {
  input: string;
  output: string;
  split?: string;
}

const isBlank = (r: TableRow) => r.input.trim() === '' && r.output.trim() === '';

/** True when some row carries a split ("train" / "validation"): the table then has a split column. */
export function hasSplitColumn(rows: readonly TableRow[]): boolean {
  return rows.some((r) => (r.split ?? '').trim() !== '');
}

export function rowsToCsv(rows: readonly TableRow[]): string {
  const kept = rows.filter((r) => !isBlank(r));
  if (hasSplitColumn(rows))
    return Papa.unparse({ fields: ['input', 'output', 'split'], data: kept.map((r) => [r.input, r.output, r.split ?? '']) }, { newline: '\n' });
  return Papa.unparse({ fields: ['input', 'output'], data: kept.map((r) => [r.input, r.output]) }, { newline: '\n' });
}

/** The CSV line (1-based, header = line 1) a table row is written to, for mapping errors back onto rows. */
export function tableLineToRow(rows: readonly TableRow[], line: number): number | null {
  return tableLines(rows).get(line) ?? null;
}

/** Every written line → its table row, in one pass (a check of 50,000 rows may name thousands of lines). */
export function tableLines(rows: readonly TableRow[]): Map<number, number> {
  const lines = new Map<number, number>();
  let written = 1;
  for (let i = 0; i < rows.length; i++) if (!isBlank(rows[i])) lines.set(++written, i);
  return lines;
}
