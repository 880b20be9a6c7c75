// Classification and generation metrics. Labels are indices 0..n-1.

export function accuracy(truth: number[], pred: number[]): number {
  if (truth.length === 0) return NaN;
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === pred[i]) ok++;
  return ok / truth.length;
}

/** [true][predicted] counts. */
export function confusionMatrix(truth: number[], pred: number[], n: number): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < truth.length; i++) if (truth[i] >= 0 && pred[i] >= 0) m[truth[i]][pred[i]]++;
  return m;
}

/** Macro-F1 as scikit-learn computes it: the mean F1 over labels present in truth or predictions. */
export function macroF1(truth: number[], pred: number[], n: number): number {
  const m = confusionMatrix(truth, pred, n);
  const f1s: number[] = [];
  for (let k = 0; k < n; k++) {
    const tp = m[k][k];
    const support = m[k].reduce((a, b) => a + b, 0);
    const predicted = m.reduce((a, row) => a + row[k], 0);
    if (support === 0 && predicted === 0) continue;
    f1s.push(tp === 0 ? 0 : (2 * tp) / (support + predicted));
  }
  return f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : NaN;
}

export function exactMatch(predicted: string, expected: string): boolean {
  return predicted.trim().toLowerCase() === expected.trim().toLowerCase();
}
