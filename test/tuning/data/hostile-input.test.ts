// Hostile but ordinary input (issue 18): every mistake gets a sentence, never a silent change.
import { describe, expect, it } from 'vitest';
import { binaryProblem, parseDataset } from '../../../src/tuning/data/parse.ts';
import { detectLabels, labelWarnings } from '../../../src/tuning/data/labels.ts';
import { dataWarnings } from '../../../src/tuning/data/prepare.ts';
import { splitExamples } from '../../../src/tuning/data/split.ts';

describe('binary files', () => {
  it('are recognised in one sentence, not one error per line', () => {
    const png = '\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR' + '\ufffd\u0003'.repeat(500) + '\n'.repeat(400);
    const r = parseDataset(png, 'photo.png');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/binary data.*not a text table/);
    expect(r.examples).toEqual([]);
  });
  it('text with a few odd characters is still text', () => {
    expect(binaryProblem('input,output\ncafé ☕ naïve,yes\n')).toBeNull();
  });
});

describe('a duplicate header', () => {
  it('is an error naming the column, not a silently dropped column', () => {
    const r = parseDataset('input,output,output\na,x,y\n', 'd.csv');
    expect(r.examples).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].line).toBe(1);
    expect(r.errors[0].message).toContain('"output" (columns 2 and 3)');
  });
});

describe('JSONL numbers and booleans', () => {
  it('are read as text and reported once, with the first line and how many', () => {
    const text = ['{"input": "a", "output": 1}', '{"input": "b", "output": "x"}', '{"input": "c", "output": true}'].join('\n');
    const r = parseDataset(text, 'd.jsonl');
    expect(r.errors).toEqual([]);
    expect(r.examples.map((e) => e.output)).toEqual(['1', 'x', 'true']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].line).toBe(1);
    expect(r.warnings[0].message).toMatch(/'output' 1 and 1 more value are JSON numbers or booleans, read as text/);
  });
  it('strings give no warning', () => {
    expect(parseDataset('{"input": "a", "output": "1"}', 'd.jsonl').warnings).toEqual([]);
  });
});

describe('labels', () => {
  const rows = (outputs: string[]) => outputs.map((output, i) => ({ input: `row ${i}`, output }));
  it('that differ only in case warn and offer a merge into the most frequent spelling', () => {
    const { labels } = detectLabels(rows(['Positive', 'positive', 'positive', 'negative', 'negative', 'Positive', 'positive']));
    const w = labelWarnings(labels);
    expect(w.merges).toEqual([{ variants: ['positive', 'Positive'], into: 'positive' }]);
    expect(w.warnings).toHaveLength(1);
    expect(w.warnings[0]).toContain('differ only in case');
  });
  it('a single label warns', () => {
    const { labels } = detectLabels(rows(['yes', 'yes', 'yes']));
    expect(labelWarnings(labels).warnings[0]).toContain('every row has the same output "yes"');
  });
  it('distinct labels give no warning', () => {
    const { labels } = detectLabels(rows(['a', 'b', 'a', 'b']));
    expect(dataWarnings({ warnings: [] }, labels)).toEqual({ warnings: [], merges: [] });
  });
});

describe('the split column', () => {
  it('decides the split: 2 train / 8 validation stays 2 / 8', () => {
    const text = ['input,output,split', ...Array.from({ length: 10 }, (_, i) => `row ${i},${i % 2 ? 'a' : 'b'},${i < 2 ? 'train' : 'validation'}`)].join('\n');
    const parsed = parseDataset(text, 'd.csv');
    const s = splitExamples(parsed.examples, { fraction: 0.2, seed: 1, stratify: true });
    expect([s.train.length, s.validation.length, s.source]).toEqual([2, 8, 'column']);
  });
});
