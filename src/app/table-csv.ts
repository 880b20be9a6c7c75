// The data table is the source of truth: it travels to the worker as CSV text (../worker/table-csv.ts). Imported
// files become table rows in the worker, from the parse that checked them; the readers here serve a sample opened
// before any model (a first visit) and a table carried in a shared link.
import Papa from 'papaparse';
import type { DataRow } from './project.ts';

export { hasSplitColumn, rowsToCsv, TABLE_FILE_NAME, tableLines, tableLineToRow } from '../worker/table-csv.ts';

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

/** The most the studio takes in one table. Parsing and tokenising run in the worker and the table draws only the rows
 *  in view, so what is left on the page's thread grows with the table: copying the rows to the worker and into
 *  IndexedDB after an edit, and the worker's check of every row after a template change (README, "Large tables").
 *  At 100,000 rows / 10 MB those stay under a second or so on a slow machine; beyond, the command line has no limit. */
export const MAX_TABLE_ROWS = 100_000;
export const MAX_TABLE_BYTES = 10_000_000;

/** Null when `size` (characters or bytes) is within the limit, else the sentence that says so. */
export function bytesProblem(size: number, name: string): string | null {
  if (size <= MAX_TABLE_BYTES) return null;
  return `${name} is ${(size / 1e6).toFixed(1)} MB; the studio takes tables up to ${MAX_TABLE_BYTES / 1e6} MB and ${MAX_TABLE_ROWS.toLocaleString()} rows. Use a sample of it here, or train on the whole file with the command line (npm run train -- --data FILE).`;
}

/** Null when `text` is small enough for the table, else the sentence that says so. */
export function sizeProblem(text: string, name: string): string | null {
  const bytes = bytesProblem(text.length, name);
  if (bytes) return bytes;
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
