// CSV, TSV and JSONL examples with `input`/`output` (or `text`/`label`) columns and an optional `split`
// column. Every problem is reported with its 1-based line number; all of them, not just the first.
import Papa from 'papaparse';

export interface RawExample {
  input: string;
  output: string;
  split?: 'train' | 'validation';
  line: number; // 1-based line in the file
}

export interface LineError {
  line: number; // 1-based; 0 for problems of the whole file
  message: string;
}

export type DataFormat = 'csv' | 'tsv' | 'jsonl';

export function formatOf(fileName: string, text: string): DataFormat {
  const ext = fileName.toLowerCase().split('.').pop();
  if (ext === 'jsonl' || ext === 'json' || ext === 'ndjson') return 'jsonl';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'csv') return 'csv';
  const first = text.trimStart().split('\n')[0] ?? '';
  if (first.startsWith('{')) return 'jsonl';
  return first.includes('\t') ? 'tsv' : 'csv';
}

const INPUT_KEYS = ['input', 'text', 'prompt', 'sentence'];
const OUTPUT_KEYS = ['output', 'label', 'target', 'completion', 'answer'];

function pick(row: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (k in row) return row[k];
  return undefined;
}

function toExample(row: Record<string, unknown>, line: number, errors: LineError[]): RawExample | null {
  const input = pick(row, INPUT_KEYS);
  const output = pick(row, OUTPUT_KEYS);
  if (input === undefined) return (errors.push({ line, message: `line ${line}: missing "input" (or "text")` }), null);
  if (output === undefined) return (errors.push({ line, message: `line ${line}: missing "output" (or "label")` }), null);
  const inputText = String(input);
  const outputText = String(output);
  if (inputText.trim() === '') return (errors.push({ line, message: `line ${line}: empty input` }), null);
  if (outputText.trim() === '') return (errors.push({ line, message: `line ${line}: empty output` }), null);
  const split = row.split === undefined || row.split === '' ? undefined : String(row.split).trim().toLowerCase();
  if (split !== undefined && split !== 'train' && split !== 'validation' && split !== 'val' && split !== 'valid')
    return (errors.push({ line, message: `line ${line}: split must be "train" or "validation" (got "${split}")` }), null);
  return { input: inputText, output: outputText, line, split: split === undefined ? undefined : split === 'train' ? 'train' : 'validation' };
}

function parseJsonl(text: string): { examples: RawExample[]; errors: LineError[] } {
  const examples: RawExample[] = [];
  const errors: LineError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (e) {
      errors.push({ line, message: `line ${line}: invalid JSON (${(e as Error).message})` });
      return;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      errors.push({ line, message: `line ${line}: expected a JSON object like {"input": …, "output": …}` });
      return;
    }
    const ex = toExample(row as Record<string, unknown>, line, errors);
    if (ex) examples.push(ex);
  });
  return { examples, errors };
}

function parseDelimited(text: string, delimiter: ',' | '\t'): { examples: RawExample[]; errors: LineError[] } {
  const examples: RawExample[] = [];
  const errors: LineError[] = [];
  const result = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false });
  const rows = result.data;
  // Line numbers: papaparse gives rows; a quoted field may span lines, so count newlines as we go.
  const lineOfRow: number[] = [];
  let line = 1;
  for (const r of rows) {
    lineOfRow.push(line);
    line += 1 + r.join(delimiter).split('\n').length - 1;
  }
  for (const e of result.errors) {
    const at = e.row !== undefined && e.row !== null ? lineOfRow[e.row] ?? e.row + 1 : 0;
    errors.push({ line: at, message: `line ${at}: ${e.message}` });
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const hasInput = header.some((h) => INPUT_KEYS.includes(h));
  const hasOutput = header.some((h) => OUTPUT_KEYS.includes(h));
  if (!hasInput || !hasOutput) {
    errors.push({ line: 1, message: `line 1: the header must name the columns, e.g. "input${delimiter}output" (found "${(rows[0] ?? []).join(delimiter)}")` });
    return { examples, errors };
  }
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r];
    const at = lineOfRow[r];
    if (cells.length === 1 && cells[0].trim() === '') continue;
    if (cells.length !== header.length) {
      errors.push({ line: at, message: `line ${at}: expected ${header.length} columns, found ${cells.length}` });
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    const ex = toExample(row, at, errors);
    if (ex) examples.push(ex);
  }
  return { examples, errors };
}

export function parseDataset(text: string, fileName: string): { examples: RawExample[]; errors: LineError[]; format: DataFormat } {
  const format = formatOf(fileName, text);
  if (text.trim() === '') return { examples: [], errors: [{ line: 0, message: 'the data is empty: paste or upload examples with input and output columns' }], format };
  const r = format === 'jsonl' ? parseJsonl(text) : parseDelimited(text, format === 'tsv' ? '\t' : ',');
  r.errors.sort((a, b) => a.line - b.line);
  if (r.examples.length === 0 && r.errors.length === 0) r.errors.push({ line: 0, message: 'no examples found' });
  return { ...r, format };
}
