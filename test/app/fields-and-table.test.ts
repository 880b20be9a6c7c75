// The studio's fields say what they accept (issue 18), and the table keeps a file's split column end to end.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRule, fieldProblem } from '../../src/app/field-rules.ts';
import { binaryKind, MAX_TABLE_ROWS, rowsFromText, rowsToCsv, sizeProblem } from '../../src/app/table-csv.ts';
import { parseDataset } from '../../src/tuning/data/parse.ts';
import { splitExamples } from '../../src/tuning/data/split.ts';
import { withoutLinePrefix } from '../../src/app/errors.ts';

describe('number fields', () => {
  const lr = { min: 0, max: 10, exclusiveMin: true, exclusiveMax: true };
  const steps = { integer: true, min: 1 };
  it('refuse what the worker would refuse, saying what they accept', () => {
    expect(fieldProblem('-5', steps)).toBe('“-5” is not accepted; enter a whole number ≥ 1');
    expect(fieldProblem('2.5', steps)).not.toBeNull();
    expect(fieldProblem('0', { integer: true, min: 1 })).not.toBeNull();
    expect(fieldProblem('abc', lr)).toBe('“abc” is not accepted; enter a number greater than 0 and less than 10');
    expect(fieldProblem('0', lr)).not.toBeNull();
    expect(fieldProblem('1e9', lr)).not.toBeNull();
    expect(fieldProblem('', lr)).toMatch(/^empty; enter/);
    expect(fieldProblem('1.5', { min: 0, max: 0.9 })).toBe('“1.5” is not accepted; enter a number from 0 to 0.9');
    expect(fieldProblem('100000', { integer: true, min: 1, max: 64 })).not.toBeNull();
  });
  it('accept legal values, absurd ones included (those get a warning, not a refusal)', () => {
    expect(fieldProblem('1e9', steps)).toBeNull();
    expect(fieldProblem('0.03', lr)).toBeNull();
    expect(fieldProblem('0', { min: 0, max: 0.9 })).toBeNull();
    expect(describeRule({ integer: true, min: 1, max: 64 })).toBe('a whole number from 1 to 64');
  });
});

describe('the split column through the table', () => {
  it('survives file → table → CSV → worker: the sample is 160 / 80 as its index says', () => {
    const text = readFileSync('public/datasets/sentiment-code.csv', 'utf8');
    const rows = rowsFromText(text, 'sentiment-code.csv');
    expect(rows.filter((r) => r.split === 'validation')).toHaveLength(80);
    const parsed = parseDataset(rowsToCsv(rows), 'table.csv');
    const s = splitExamples(parsed.examples, { fraction: 0.2, seed: 42, stratify: true });
    expect([s.train.length, s.validation.length]).toEqual([160, 80]);
  });
  it('a table without one is written as before', () => {
    expect(rowsToCsv([{ input: 'a', output: 'b' }])).toBe('input,output\na,b');
  });
  it('JSONL rows keep it too', () => {
    expect(rowsFromText('{"text": "a", "label": "x", "split": "validation"}\n', 'd.jsonl')).toEqual([{ input: 'a', output: 'x', split: 'validation' }]);
  });
});

describe('uploads', () => {
  it('binary files are named by their first bytes', () => {
    expect(binaryKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10]))).toBe('a PNG image');
    expect(binaryKind(new Uint8Array([0x50, 0x4b, 3, 4]))).toMatch(/zip/);
    expect(binaryKind(new Uint8Array([104, 105, 0, 1]))).toBe('a binary file');
    expect(binaryKind(new TextEncoder().encode('input,output\na,b\n'))).toBeNull();
  });
  it('tables beyond the stated limit get a sentence', () => {
    const big = 'input,output\n' + 'a,b\n'.repeat(MAX_TABLE_ROWS + 1);
    expect(sizeProblem(big, 'big.csv')).toContain(`up to ${MAX_TABLE_ROWS.toLocaleString()}`);
    expect(sizeProblem('input,output\na,b\n', 'small.csv')).toBeNull();
  });
});

describe('error wording', () => {
  it('the list prints the line once', () => {
    expect(withoutLinePrefix('line 4: empty output', 4)).toBe('empty output');
    expect(withoutLinePrefix('the template has no {input}', 0)).toBe('the template has no {input}');
  });
});
