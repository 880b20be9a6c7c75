// The data table is the source of truth: it travels to the worker as CSV text (input,output columns, written
// by papaparse so quotes, commas and newlines in cells survive). Imported files become table rows here only
// after the worker has accepted them (its parser owns the line-numbered errors).
import Papa from 'papaparse';
import type { DataRow } from './project.ts';

export const TABLE_FILE_NAME = 'table.csv';

export function rowsToCsv(rows: DataRow[]): string {
  const kept = rows.filter((r) => r.input.trim() !== '' || r.output.trim() !== '');
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
        return { input: pick(record, INPUT_KEYS, 0), output: pick(record, OUTPUT_KEYS, 1) };
      });
  }
  const parsed = Papa.parse<Record<string, string>>(text.trim(), {
    header: true,
    skipEmptyLines: true,
    delimiter: lower.endsWith('.tsv') ? '\t' : '',
  });
  return parsed.data.map((record) => ({ input: pick(record, INPUT_KEYS, 0), output: pick(record, OUTPUT_KEYS, 1) }));
}

/** Pasted text is CSV unless its first line has tabs and no commas (a spreadsheet copy). */
export function pastedFileName(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return first.includes('\t') && !first.includes(',') ? 'pasted.tsv' : 'pasted.csv';
}
