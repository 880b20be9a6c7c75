// Train / validation split. A `split` column in the file wins: rows marked "validation" validate, rows marked
// "train" or left blank train (so marking only the held-out rows is enough). Without the column, a seeded
// shuffle puts round(n × fraction) rows in validation — per label for classification (stratified, so a rare
// label is in both parts), over all rows otherwise. The same rows, seed and fraction always give the same
// split, in file order.
import { Rng } from '../random.ts';
import { labelOf } from './labels.ts';
import type { Split } from './parse.ts';

export interface SplitOptions {
  fraction: number; // share of rows for validation, in [0, 1)
  seed: number;
  stratify: boolean; // group by label (classification)
}

export interface SplitResult<T> {
  train: T[];
  validation: T[];
  source: 'column' | 'seeded';
}

export function splitExamples<T extends { output: string; split?: Split }>(examples: readonly T[], options: SplitOptions): SplitResult<T> {
  const { fraction, seed, stratify } = options;
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validation fraction must be in [0, 1) (got ${fraction})`);
  if (examples.some((e) => e.split !== undefined)) {
    return { train: examples.filter((e) => e.split !== 'validation'), validation: examples.filter((e) => e.split === 'validation'), source: 'column' };
  }
  const rng = new Rng(seed);
  // Group indices, not rows, so the result keeps file order whatever T is.
  const groups = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const key = stratify ? labelOf(e.output) : '';
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const isValidation = new Uint8Array(examples.length);
  // Sorted keys: the draw order must not depend on which label happens to come first in the file.
  for (const key of [...groups.keys()].sort()) {
    const g = rng.shuffle(groups.get(key) ?? []);
    // A group of one stays in train; any fraction > 0 puts at least one row of each larger group in validation,
    // and at least one row of each group stays in train.
    let n = Math.round(g.length * fraction);
    if (fraction > 0 && g.length > 1) n = Math.min(g.length - 1, Math.max(1, n));
    for (const i of g.slice(0, n)) isValidation[i] = 1;
  }
  return {
    train: examples.filter((_, i) => !isValidation[i]),
    validation: examples.filter((_, i) => isValidation[i]),
    source: 'seeded',
  };
}
