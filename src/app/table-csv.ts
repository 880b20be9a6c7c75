// The data table is the source of truth: it travels to the worker as CSV text (input,output columns, written
// by papaparse so quotes, commas and newlines in cells survive). Imported files become table rows here only
// after the worker has accepted them (its parser owns the line-numbered errors).
import Papa from 'papaparse';
import type { DataRow } from './project.ts';

export const TABLE_FILE_NAME = 'table.csv';

/** True when some row carries a split ("train" / "validation"): the table then has a split column. */
export function hasSplitColumn(rows: DataRow[]): boolean {
  return rows.some((r) => (r.split ?? '').trim() !== '');
}

export function rowsToCsv(rows: DataRow[]): string {
  const kept = rows.filter((r) => r.input.trim() !== '' || r.output.trim() !== '');
  if (hasSplitColumn(rows))
    return Papa.unparse({ fields: ['input', 'output', 'split'], data: kept.map((r) => [r.input, r.output, r.split ?? '']) }, { newline: '\n' });
  return Papa.unparse({ fields: ['input', 'output'], data: kept.map((r) => [r.input, r.output]) }, { newline: '\n' });
}

/** The CSV line (1-based, header = line 1) a table row is written to, for mapping errors back onto rows. */
export function tableLineToRow(rows: DataRow[], line: number): number | null {
  let written = 1;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].input.trim() === '' && rows[i].output.trim() === '') continue;
    written++;
    if (written === line) return i;
  }
  return null;
}

const INPUT_KEYS = ['input', 'text', 'sentence', 'question', 'prompt'];
const OUTPUT_KEYS = ['output', 'label', 'target', 'answer', 'completion'];

function splitOf(record: Record<string, unknown>): Pick<DataRow, 'split'> {
  const v = record.split;
  return v === undefined || v === null || String(v).trim() === '' ? {} : { split: String(v).trim() };
}

function pick(record: Record<string, unknown>, keys: string[], fallback: number): string {
  for (const k of keys) if (k in record) return String(record[k] ?? '');
  const values = Object.values(record);
  return values.length > fallback ? String(values[fallback] ?? '') : '';
}

/** Rows of an accepted file (CSV, TSV or JSONL, by extension) for the table. */
export function rowsFromText(text: string, fileName: string): DataRow[] {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) {
    return text
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const record = JSON.parse(l) as Record<string, unknown>;
        return { input: pick(record, INPUT_KEYS, 0), output: pick(record, OUTPUT_KEYS, 1), ...splitOf(record) };
      });
  }
  const parsed = Papa.parse<Record<string, string>>(text.trim(), {
    header: true,
    skipEmptyLines: true,
    transformHeader: (h) => h.trim().toLowerCase(), // as the worker's parser reads them
    delimiter: lower.endsWith('.tsv') ? '\t' : '',
  });
  return parsed.data.map((record) => ({ input: pick(record, INPUT_KEYS, 0), output: pick(record, OUTPUT_KEYS, 1), ...splitOf(record) }));
}

/** Pasted text is CSV unless its first line has tabs and no commas (a spreadsheet copy). */
export function pastedFileName(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return first.includes('\t') && !first.includes(',') ? 'pasted.tsv' : 'pasted.csv';
}

/** The most the studio takes in one table: every row is an editable line of the page and is sent to the worker on
 *  each edit, so beyond this the tab stops answering (a 50,000-row CSV froze it for 23 s). The CLI has no limit. */
export const MAX_TABLE_ROWS = 5000;
export const MAX_TABLE_BYTES = 2_000_000;

/** Null when `text` is small enough for the table, else the sentence that says so. */
export function sizeProblem(text: string, name: string): string | null {
  if (text.length > MAX_TABLE_BYTES)
    return `${name} is ${(text.length / 1e6).toFixed(1)} MB; the studio takes tables up to ${MAX_TABLE_BYTES / 1e6} MB and ${MAX_TABLE_ROWS.toLocaleString()} rows. Use a sample of it here, or train on the whole file with the command line (npm run train -- --data FILE).`;
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1 && lines <= MAX_TABLE_ROWS + 1; i = text.indexOf('\n', i + 1)) lines++;
  if (lines > MAX_TABLE_ROWS + 1)
    return `${name} has more than ${MAX_TABLE_ROWS.toLocaleString()} rows; the studio takes up to ${MAX_TABLE_ROWS.toLocaleString()}. Use a sample of it here, or train on the whole file with the command line (npm run train -- --data FILE).`;
  return null;
}

/** What a file's first bytes say it is, when it is binary (a NUL byte, or a known signature); null for text. */
export function binaryKind(head: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'a PNG image';
  if (starts(0xff, 0xd8, 0xff)) return 'a JPEG image';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'a PDF document';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a zip archive (an .xlsx workbook is one: save it as CSV)';
  if (starts(0x1f, 0x8b)) return 'a gzip archive';
  if (head.includes(0)) return 'a binary file';
  return null;
}
