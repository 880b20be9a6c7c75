// The table travels to the worker as CSV: cells with commas, quotes and newlines must survive, blank rows are
// left out, and error line numbers map back to the right table row.
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { pastedFileName, rowsFromText, rowsToCsv, tableLineToRow } from '../../src/app/table-csv.ts';

const rows = [
  { input: 'plain', output: 'positive' },
  { input: '', output: '' }, // blank: not sent
  { input: 'comma, "quotes"\nand a newline', output: 'negative' },
];

describe('table ↔ CSV', () => {
  it('writes input,output rows that papaparse reads back unchanged', () => {
    const csv = rowsToCsv(rows);
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
    expect(parsed).toEqual([
      ['input', 'output'],
      ['plain', 'positive'],
      ['comma, "quotes"\nand a newline', 'negative'],
    ]);
    expect(rowsFromText(csv, 'table.csv')).toEqual([rows[0], rows[2]]);
  });

  it('maps a CSV line (header = 1) to its table row, skipping blank rows', () => {
    expect(tableLineToRow(rows, 2)).toBe(0);
    expect(tableLineToRow(rows, 3)).toBe(2);
    expect(tableLineToRow(rows, 1)).toBeNull();
    expect(tableLineToRow(rows, 4)).toBeNull();
  });

  it('reads TSV and JSONL (with label/text aliases)', () => {
    expect(rowsFromText('input\toutput\na, b\tpos\n', 'x.tsv')).toEqual([{ input: 'a, b', output: 'pos' }]);
    expect(rowsFromText('{"text":"hi","label":"greeting"}\n\n{"input":"x","output":"y"}\n', 'x.jsonl')).toEqual([
      { input: 'hi', output: 'greeting' },
      { input: 'x', output: 'y' },
    ]);
  });

  it('names pasted spreadsheet rows TSV and everything else CSV', () => {
    expect(pastedFileName('input\toutput\na\tb')).toBe('pasted.tsv');
    expect(pastedFileName('input,output\na,b')).toBe('pasted.csv');
  });
});
