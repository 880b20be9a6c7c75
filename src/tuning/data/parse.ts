// CSV, TSV and JSONL examples with `input`/`output` (or `text`/`label`) columns and an optional `split`
// column. Every problem is reported with its 1-based line number in the file the user sees, all of them,
// not just the first, so one pass of fixes clears the list. Rows with a problem are left out of `examples`.
import Papa from 'papaparse';

export type Split = 'train' | 'validation';

/** One example as the user wrote it. */
export interface Example {
  input: string;
  output: string;
  split?: Split;
}

/** An example with the 1-based line where it starts (a quoted CSV field may span several lines). */
export interface RawExample extends Example {
  line: number;
}

/** One problem in the data. `line` is 1-based; 0 for problems of the whole file. */
export interface DatasetError {
  line: number;
  message: string; // a full sentence that starts with "line N: " when line > 0
}
/** The older name of DatasetError, kept for the worker protocol. */
export type LineError = DatasetError;

export type DataFormat = 'csv' | 'tsv' | 'jsonl';

export interface ParsedDataset {
  examples: RawExample[];
  errors: DatasetError[]; // sorted by line
  /** What was read but changed on the way (a JSONL number or boolean taken as text); never blocks. */
  warnings: DatasetError[];
  format: DataFormat;
}

/** Format from the file name's extension, else from the content (a leading `{` is JSONL, a tab on line 1 TSV). */
export function formatOf(fileName: string, text: string): DataFormat {
  const ext = fileName.includes('.') ? fileName.toLowerCase().split('.').pop() : '';
  if (ext === 'jsonl' || ext === 'json' || ext === 'ndjson') return 'jsonl';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'csv') return 'csv';
  const first = stripBom(text).trimStart().split('\n')[0] ?? '';
  if (first.startsWith('{')) return 'jsonl';
  return first.includes('\t') ? 'tsv' : 'csv';
}

// Accepted column names, first match wins. `input`/`output` and `text`/`label` are the documented pairs; the
// others are common in public datasets (prompt/completion from OpenAI fine-tuning files, sentence from GLUE).
const INPUT_KEYS = ['input', 'text', 'prompt', 'sentence'];
const OUTPUT_KEYS = ['output', 'label', 'target', 'completion', 'answer'];
const SPLIT_NAMES: Record<string, Split> = { train: 'train', training: 'train', validation: 'validation', val: 'validation', valid: 'validation', dev: 'validation', eval: 'validation' };

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function pick(row: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (k in row) return row[k];
  return undefined;
}

/** A cell value as text: strings as they are, numbers and booleans (JSONL labels like 1 or true) printed. */
function asText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** Keys of a JSONL row whose number or boolean value was taken as text. */
function convertedKeys(row: Record<string, unknown>): string[] {
  const keys = [pickKey(row, INPUT_KEYS), pickKey(row, OUTPUT_KEYS), 'split'];
  return keys.filter((k): k is string => k !== undefined && (typeof row[k] === 'number' || typeof row[k] === 'boolean'));
}

function pickKey(row: Record<string, unknown>, keys: string[]): string | undefined {
  return keys.find((k) => k in row);
}

function toExample(row: Record<string, unknown>, line: number, errors: DatasetError[]): RawExample | null {
  const fail = (message: string) => (errors.push({ line, message: `line ${line}: ${message}` }), null);
  const input = pick(row, INPUT_KEYS);
  const output = pick(row, OUTPUT_KEYS);
  if (input === undefined || input === null) return fail(`missing 'input' (or 'text')`);
  if (output === undefined || output === null) return fail(`missing 'output' (or 'label')`);
  const inputText = asText(input);
  const outputText = asText(output);
  if (inputText === null) return fail(`'input' must be text (got ${JSON.stringify(input)})`);
  if (outputText === null) return fail(`'output' must be text (got ${JSON.stringify(output)})`);
  if (inputText.trim() === '') return fail('empty input');
  if (outputText.trim() === '') return fail('empty output');
  const rawSplit = row.split;
  if (rawSplit === undefined || rawSplit === null || (typeof rawSplit === 'string' && rawSplit.trim() === ''))
    return { input: inputText, output: outputText, line };
  const split = SPLIT_NAMES[String(rawSplit).trim().toLowerCase()];
  if (!split) return fail(`split must be "train" or "validation" (got ${JSON.stringify(rawSplit)})`);
  return { input: inputText, output: outputText, split, line };
}

function parseJsonl(text: string): { examples: RawExample[]; errors: DatasetError[]; warnings: DatasetError[] } {
  const examples: RawExample[] = [];
  const errors: DatasetError[] = [];
  const converted: { line: number; what: string }[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[0].trimStart().startsWith('[')) {
    errors.push({ line: 1, message: 'line 1: this is a JSON array; write JSON Lines instead, one {"input": …, "output": …} object per line' });
    return { examples, errors, warnings: [] };
  }
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (e) {
      errors.push({ line, message: `line ${line}: invalid JSON: ${(e as Error).message}` });
      return;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      errors.push({ line, message: `line ${line}: expected a JSON object like {"input": "…", "output": "…"}` });
      return;
    }
    const ex = toExample(row as Record<string, unknown>, line, errors);
    if (ex) {
      examples.push(ex);
      for (const k of convertedKeys(row as Record<string, unknown>)) converted.push({ line, what: `'${k}' ${JSON.stringify((row as Record<string, unknown>)[k])}` });
    }
  });
  // One warning for them all (a file of numeric labels would otherwise repeat it on every line).
  const warnings: DatasetError[] = [];
  if (converted.length > 0) {
    const first = converted[0];
    const more = converted.length > 1 ? ` and ${converted.length - 1} more value${converted.length === 2 ? '' : 's'}` : '';
    warnings.push({
      line: first.line,
      message: `line ${first.line}: ${first.what}${more} ${converted.length === 1 ? 'is a JSON number or boolean' : 'are JSON numbers or booleans'}, read as text ("1", "true"); write them as strings to make that explicit`,
    });
  }
  return { examples, errors, warnings };
}

/** Null for text; otherwise one sentence saying the data is binary (a NUL byte, or mostly undecodable bytes). */
export function binaryProblem(text: string): string | null {
  const head = text.slice(0, 4096);
  let bad = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0) return 'this is binary data (it holds NUL bytes), not a text table: use a CSV, TSV or JSONL file';
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) bad++;
  }
  return head.length > 0 && bad / head.length > 0.05 ? 'this is binary data (mostly bytes that are not text), not a text table: use a CSV, TSV or JSONL file' : null;
}

/** 1-based line of each character offset, by counting line breaks (\n, \r\n or a lone \r) before it. */
function lineCounter(text: string): (offset: number) => number {
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function parseDelimited(text: string, delimiter: ',' | '\t'): { examples: RawExample[]; errors: DatasetError[] } {
  const examples: RawExample[] = [];
  const errors: DatasetError[] = [];
  const lineAt = lineCounter(text);
  // papaparse's step mode gives each row's end offset (`meta.cursor`); a row starts where the previous one
  // ended, which is how a row's line number stays right after a quoted field that spans lines.
  const rows: { cells: string[]; line: number; bad: boolean }[] = [];
  let start = 0;
  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: false,
    step: (r) => {
      const line = lineAt(start);
      for (const e of r.errors) {
        const at = e.index !== undefined ? lineAt(e.index) : line;
        const hint = e.code === 'MissingQuotes' ? ' (a quote opened here is never closed)' : '';
        errors.push({ line: at, message: `line ${at}: ${e.message}${hint}` });
      }
      rows.push({ cells: r.data, line, bad: r.errors.length > 0 });
      start = r.meta.cursor;
    },
  });
  const header = (rows[0]?.cells ?? []).map((h) => h.trim().toLowerCase());
  const name = delimiter === ',' ? 'comma' : 'tab';
  // A repeated column name would silently hide one of the two columns: say which.
  const seen = new Map<string, number>();
  const repeated: string[] = [];
  header.forEach((h, i) => {
    const at = seen.get(h);
    if (at !== undefined && h !== '') repeated.push(`"${h}" (columns ${at + 1} and ${i + 1})`);
    else seen.set(h, i);
  });
  if (repeated.length > 0) {
    errors.push({ line: 1, message: `line 1: the column ${repeated.join(', ')} is named twice; rename or remove one, since only one can be read` });
    return { examples, errors };
  }
  if (!header.some((h) => INPUT_KEYS.includes(h)) || !header.some((h) => OUTPUT_KEYS.includes(h))) {
    errors.push({
      line: 1,
      message: `line 1: the first line must name the columns, e.g. "input${delimiter === ',' ? ',' : '\\t'}output" or "text${delimiter === ',' ? ',' : '\\t'}label" (found ${JSON.stringify((rows[0]?.cells ?? []).join(delimiter))})`,
    });
    return { examples, errors };
  }
  for (const { cells, line, bad } of rows.slice(1)) {
    if (bad) continue;
    if (cells.length === 1 && cells[0].trim() === '') continue; // blank line
    if (cells.length !== header.length) {
      const hint = cells.length > header.length ? `; put fields that contain a ${name} in double quotes` : '';
      errors.push({ line, message: `line ${line}: expected ${header.length} columns, found ${cells.length}${hint}` });
      continue;
    }
    const ex = toExample(Object.fromEntries(header.map((h, i) => [h, cells[i]])), line, errors);
    if (ex) examples.push(ex);
  }
  return { examples, errors };
}

/** Parses the user's data; `fileName` picks the format by extension (any name without one: by content). */
export function parseDataset(text: string, fileName = ''): ParsedDataset {
  const format = formatOf(fileName, text);
  const body = stripBom(text);
  if (body.trim() === '')
    return { examples: [], errors: [{ line: 0, message: 'the data is empty: paste or upload examples with input and output columns' }], warnings: [], format };
  const binary = binaryProblem(body);
  if (binary) return { examples: [], errors: [{ line: 0, message: binary }], warnings: [], format };
  const r = format === 'jsonl' ? parseJsonl(body) : { ...parseDelimited(body, format === 'tsv' ? '\t' : ','), warnings: [] };
  r.errors.sort((a, b) => a.line - b.line);
  if (r.examples.length === 0 && r.errors.length === 0) r.errors.push({ line: 0, message: 'no examples found' });
  return { ...r, format };
}
