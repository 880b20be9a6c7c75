import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../cli/node-files.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import { defaultVariants, parseVariants } from '../../src/tuning/brittleness.ts';

describe('template variants', () => {
  it('spacing, casing, punctuation and a synonym for the field name; {input} untouched', () => {
    const v = defaultVariants('Review: {input}\nCode:');
    expect(v.map((x) => x.template)).toEqual([
      'Review: {input}\nCode:',
      'Review: {input}\n\nCode:',
      'review: {input}\ncode:',
      'Review - {input}\nCode -',
      'Text: {input}\nCode:',
    ]);
    expect(v[4].name).toBe('synonym (Review → Text)');
    // Duplicates are dropped (a one-line lower-case template has no spacing or casing variant).
    expect(defaultVariants('text: {input} ->').map((x) => x.template)).toEqual(['text: {input} ->', 'text - {input} ->', 'passage: {input} ->']);
  });

  it('typed variants: one per line, \\n for a line break', () => {
    expect(parseVariants('A: {input}\\nB:\n\n  C {input}  ')).toEqual([
      { name: 'variant 1', template: 'A: {input}\nB:' },
      { name: 'variant 2', template: 'C {input}' },
    ]);
  });
});

describe('brittleness on the demo model (float64 CPU engine)', () => {
  const session = new TuningSession();
  const lines = readFileSync('public/datasets/sentiment-code.csv', 'utf8').split('\n');
  const text = [lines[0].replace(',split', ''), ...lines.slice(1, 17).map((l) => l.replace(/,(train|validation)$/, ''))].join('\n');
  beforeAll(async () => {
    await session.loadModel(directoryModelFiles('public/models/demo'), null);
    expect(session.setDataset({ text, fileName: 'b.csv', template: 'Review: {input}\nCode:', validationFraction: 0.25, seed: 1 }, 4).ok).toBe(true);
  });

  it('untuned and instruction rows: a value per variant, the original equal to a plain evaluation, spread = max − min', async () => {
    const r = await session.brittleness({ variants: '', instruction: 'Secret code: sun' });
    expect(r.variants).toHaveLength(5);
    expect(r.rows.map((x) => x.name)).toEqual(['untuned', 'instruction']); // nothing trained yet
    const plain = await session.evaluate({});
    expect(r.rows[0].values[0].accuracy).toBe(plain.accuracy);
    for (const row of r.rows) {
      expect(row.values).toHaveLength(5);
      const acc = row.values.map((v) => v.accuracy);
      expect(row.summary.accuracy.spread).toBeCloseTo(Math.max(...acc) - Math.min(...acc), 12);
    }
  });
});
