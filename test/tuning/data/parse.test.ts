import { describe, expect, it } from 'vitest';
import { formatOf, parseDataset } from '../../../src/tuning/data/parse.ts';

const lines = (errors: { line: number }[]) => errors.map((e) => e.line);

describe('parseDataset: CSV / TSV', () => {
  it('reads input/output rows with their line numbers', () => {
    const r = parseDataset('input,output\ngreat film,positive\n"bad, really",negative\n', 'd.csv');
    expect(r.format).toBe('csv');
    expect(r.errors).toEqual([]);
    expect(r.examples).toEqual([
      { input: 'great film', output: 'positive', line: 2 },
      { input: 'bad, really', output: 'negative', line: 3 },
    ]);
  });

  it('accepts text/label, a split column, CRLF, a BOM and blank lines', () => {
    const r = parseDataset('\ufeffText,Label,split\r\na,x,train\r\n\r\nb,y,validation\r\nc,x,\r\n', 'd.csv');
    expect(r.errors).toEqual([]);
    expect(r.examples.map((e) => [e.input, e.output, e.split, e.line])).toEqual([
      ['a', 'x', 'train', 2],
      ['b', 'y', 'validation', 4],
      ['c', 'x', undefined, 5],
    ]);
  });

  it('reports every malformed line with its 1-based number, and keeps the good rows', () => {
    const text = [
      'input,output', //            1
      'ok one,a', //                2
      'too,many,cells', //          3
      ',b', //                      4 empty input
      '"multi', //                  5 a quoted cell across lines
      'line",c', //                 6
      'missing output,', //         7
      'two,a', //                   8
      'x,y,z,w', //                 9
    ].join('\n');
    const r = parseDataset(text, 'data.csv');
    expect(r.examples.map((e) => [e.input, e.line])).toEqual([
      ['ok one', 2],
      ['multi\nline', 5],
      ['two', 8],
    ]);
    expect(lines(r.errors)).toEqual([3, 4, 7, 9]);
    expect(r.errors[0].message).toMatch(/^line 3: expected 2 columns, found 3\b/);
    expect(r.errors[1].message).toBe('line 4: empty input');
    expect(r.errors[2].message).toBe('line 7: empty output');
    expect(r.errors[3].message).toMatch(/^line 9: expected 2 columns, found 4\b/);
  });

  it('points an unterminated quote at the line where it starts', () => {
    const r = parseDataset('input,output\na,b\n"never closed,c\nd,e\n', 'x.csv');
    expect(lines(r.errors)).toEqual([3]);
    expect(r.errors[0].message).toMatch(/^line 3: .*quote/i);
    expect(r.examples.map((e) => e.input)).toEqual(['a']);
  });

  it('a header without input/output columns is one error on line 1', () => {
    const r = parseDataset('question,answerx\na,b\nc,d\n', 'q.csv');
    expect(r.examples).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 1 });
    expect(r.errors[0].message).toMatch(/input,output/);
  });

  it('reads TSV by extension and rejects an unknown split value', () => {
    const r = parseDataset('input\toutput\tsplit\nhello\tworld\ttest\nhi\tthere\ttrain\n', 'x.tsv');
    expect(r.format).toBe('tsv');
    expect(r.examples.map((e) => e.input)).toEqual(['hi']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/^line 2: split must be "train" or "validation" \(got "test"\)$/);
  });
});

describe('parseDataset: JSONL', () => {
  it('reads objects per line, numbers as labels, and reports all bad lines', () => {
    const text = [
      '{"input": "a", "output": "x"}', //   1
      '{"text": "b", "label": 1}', //       2
      '', //                                3 blank: skipped
      '{"input": "c", "output": "y"', //    4 invalid JSON
      '[1, 2]', //                          5 not an object
      '{"input": "d"}', //                  6 missing output
      '{"input": "  ", "output": "z"}', //  7 empty input
      '{"input": {"a": 1}, "output": "z"}', // 8 not text
    ].join('\n');
    const r = parseDataset(text, 'd.jsonl');
    expect(r.examples.map((e) => [e.input, e.output, e.line])).toEqual([
      ['a', 'x', 1],
      ['b', '1', 2],
    ]);
    expect(lines(r.errors)).toEqual([4, 5, 6, 7, 8]);
    expect(r.errors[0].message).toMatch(/^line 4: invalid JSON\b.+/);
    expect(r.errors[1].message).toMatch(/^line 5: expected a JSON object/);
    expect(r.errors[2].message).toMatch(/^line 6: missing .output. \(or .label.\)$/);
    expect(r.errors[3].message).toBe('line 7: empty input');
  });
});

describe('parseDataset: whole-file problems', () => {
  it('an empty file is one clear error', () => {
    for (const name of ['a.csv', 'a.jsonl', 'a.tsv']) {
      const r = parseDataset('  \n\n', name);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0].line).toBe(0);
      expect(r.errors[0].message).toMatch(/empty/);
    }
  });
  it('a header alone has no examples', () => {
    const r = parseDataset('input,output\n', 'a.csv');
    expect(r.errors).toEqual([{ line: 0, message: expect.stringMatching(/no examples/) }]);
  });
  it('sniffs pasted text', () => {
    expect(formatOf('pasted', '{"input": 1}')).toBe('jsonl');
    expect(formatOf('pasted', 'input\toutput')).toBe('tsv');
    expect(formatOf('pasted', 'input,output')).toBe('csv');
  });
});
