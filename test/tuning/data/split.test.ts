import { describe, expect, it } from 'vitest';
import { splitExamples } from '../../../src/tuning/data/split.ts';

type Row = { output: string; line: number; split?: 'train' | 'validation' };

function dataset(counts: Record<string, number>): Row[] {
  const rows: Row[] = [];
  let line = 2;
  // Interleave labels so file order and label order differ.
  const max = Math.max(...Object.values(counts));
  for (let i = 0; i < max; i++) for (const [label, n] of Object.entries(counts)) if (i < n) rows.push({ output: label, line: line++ });
  return rows;
}

const count = (rows: Row[], label: string) => rows.filter((r) => r.output === label).length;

describe('splitExamples', () => {
  it('is stratified: each label keeps its share in validation (at least one, never all)', () => {
    const rows = dataset({ a: 40, b: 10, c: 2 });
    const s = splitExamples(rows, { fraction: 0.2, seed: 1, stratify: true });
    expect(count(s.validation, 'a')).toBe(8);
    expect(count(s.validation, 'b')).toBe(2);
    expect(count(s.validation, 'c')).toBe(1);
    expect(count(s.train, 'c')).toBe(1);
    expect(s.train.length + s.validation.length).toBe(rows.length);
    expect(new Set([...s.train, ...s.validation]).size).toBe(rows.length);
  });

  it('is deterministic for a seed, differs across seeds, and keeps file order', () => {
    const rows = dataset({ a: 30, b: 30 });
    const opts = { fraction: 0.3, stratify: true };
    const one = splitExamples(rows, { ...opts, seed: 7 });
    const again = splitExamples([...rows], { ...opts, seed: 7 });
    const other = splitExamples(rows, { ...opts, seed: 8 });
    expect(again.validation.map((r) => r.line)).toEqual(one.validation.map((r) => r.line));
    expect(other.validation.map((r) => r.line)).not.toEqual(one.validation.map((r) => r.line));
    const lines = one.validation.map((r) => r.line);
    expect(lines).toEqual([...lines].sort((x, y) => x - y));
  });

  it('without stratification takes round(n·fraction) rows overall', () => {
    const rows = dataset({ a: 9, b: 1 });
    const s = splitExamples(rows, { fraction: 0.2, seed: 3, stratify: false });
    expect(s.validation).toHaveLength(2);
  });

  it('an explicit split column wins; unmarked rows train', () => {
    const rows: Row[] = [
      { output: 'a', line: 2, split: 'validation' },
      { output: 'a', line: 3 },
      { output: 'b', line: 4, split: 'train' },
      { output: 'b', line: 5, split: 'validation' },
    ];
    const s = splitExamples(rows, { fraction: 0.5, seed: 1, stratify: true });
    expect(s.validation.map((r) => r.line)).toEqual([2, 5]);
    expect(s.train.map((r) => r.line)).toEqual([3, 4]);
  });
});
