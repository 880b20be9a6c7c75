// Classification and generation metrics. Classes are indices 0..n-1; a prediction of -1 means "no label"
// (it counts as wrong for accuracy and as a miss of the true class for recall, but adds no false positive).
// Semantics follow scikit-learn: accuracy_score, f1_score(average='macro'), confusion_matrix.

export function accuracy(truth: readonly number[], pred: readonly number[]): number {
  checkLengths(truth, pred);
  if (truth.length === 0) return NaN;
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === pred[i]) ok++;
  return ok / truth.length;
}

/** Counts [true][predicted], an n × n matrix (rows: true class, columns: predicted class). */
export function confusionMatrix(truth: readonly number[], pred: readonly number[], n: number): number[][] {
  checkLengths(truth, pred);
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < truth.length; i++) if (truth[i] >= 0 && truth[i] < n && pred[i] >= 0 && pred[i] < n) m[truth[i]][pred[i]]++;
  return m;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number; // true examples of the class
  predicted: number; // examples predicted as the class
}

/** Per-class precision, recall and F1; an undefined ratio (0/0) is 0, as sklearn's zero_division default. */
export function perClassScores(truth: readonly number[], pred: readonly number[], n: number): ClassScores[] {
  checkLengths(truth, pred);
  const tp = new Array<number>(n).fill(0);
  const support = new Array<number>(n).fill(0);
  const predicted = new Array<number>(n).fill(0);
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] >= 0 && truth[i] < n) support[truth[i]]++;
    if (pred[i] >= 0 && pred[i] < n) predicted[pred[i]]++;
    if (truth[i] === pred[i] && truth[i] >= 0 && truth[i] < n) tp[truth[i]]++;
  }
  return tp.map((t, k) => ({
    precision: predicted[k] ? t / predicted[k] : 0,
    recall: support[k] ? t / support[k] : 0,
    // 2·tp / (2·tp + fp + fn) = 2·tp / (support + predicted): sklearn ≥ 1.3's form, 0 when tp = 0.
    f1: support[k] + predicted[k] ? (2 * t) / (support[k] + predicted[k]) : 0,
    support: support[k],
    predicted: predicted[k],
  }));
}

/**
 * Macro-F1 as scikit-learn's f1_score(average='macro') with its default labels (those present in truth or
 * predictions): the plain mean of per-class F1 over classes that occur in either; a class with support but
 * no prediction (or the reverse) counts with F1 = 0; a class with neither is left out. NaN with no classes.
 */
export function macroF1(truth: readonly number[], pred: readonly number[], n: number): number {
  const present = perClassScores(truth, pred, n).filter((s) => s.support > 0 || s.predicted > 0);
  return present.length ? present.reduce((a, s) => a + s.f1, 0) / present.length : NaN;
}

export interface ExactMatchOptions {
  ignoreCase: boolean; // default false: exact means exact, after trimming surrounding whitespace
}

/** Exact match after trimming whitespace at both ends (case-sensitive unless asked). */
export function exactMatch(predicted: string, expected: string, options: ExactMatchOptions = { ignoreCase: false }): boolean {
  const a = predicted.trim();
  const b = expected.trim();
  return options.ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** Share of exact matches over pairs; NaN for none. */
export function exactMatchRate(predicted: readonly string[], expected: readonly string[], options?: ExactMatchOptions): number {
  if (predicted.length !== expected.length) throw new Error(`${predicted.length} predictions for ${expected.length} references`);
  if (predicted.length === 0) return NaN;
  let ok = 0;
  for (let i = 0; i < predicted.length; i++) if (exactMatch(predicted[i], expected[i], options)) ok++;
  return ok / predicted.length;
}

function checkLengths(truth: readonly number[], pred: readonly number[]): void {
  if (truth.length !== pred.length) throw new Error(`${pred.length} predictions for ${truth.length} true labels`);
}
