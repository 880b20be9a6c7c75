// ROUGE-L as Google's rouge_score computes it (rouge_scorer.RougeScorer(['rougeL']), use_stemmer=False):
// tokenize.tokenize lower-cases, replaces every run of characters outside [a-z0-9] by a space, splits on
// whitespace and keeps the non-empty [a-z0-9]+ tokens (so "café" → "caf", "it's" → "it", "s"); then
// _score_lcs: LCS length of the token sequences, precision = LCS / |prediction|, recall = LCS / |target|,
// F = 2PR / (P + R) (0 when P + R = 0); all 0 when either side has no tokens. Several references:
// score_multi keeps the one with the highest F-measure. A corpus score is the mean of the per-example F.

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** rouge_score's default tokenizer, without a stemmer. */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(/\s+/)
    .filter((t) => /^[a-z0-9]+$/.test(t));
}

/** Length of the longest common subsequence (the last cell of rouge_score's _lcs_table). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    prev = row;
  }
  return prev[b.length];
}

/** rouge_score's _score_lcs(target_tokens, prediction_tokens). */
export function rougeLSingle(target: string, prediction: string): RougeScore {
  const t = rougeTokens(target);
  const p = rougeTokens(prediction);
  if (t.length === 0 || p.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(t, p);
  const precision = lcs / p.length;
  const recall = lcs / t.length;
  return { precision, recall, fmeasure: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** RougeScorer.score_multi for rougeL: the reference that gives the highest F-measure. */
export function rougeL(prediction: string, references: readonly string[]): RougeScore {
  if (references.length === 0) throw new Error('ROUGE-L needs at least one reference');
  let best = rougeLSingle(references[0], prediction);
  for (const r of references.slice(1)) {
    const s = rougeLSingle(r, prediction);
    if (s.fmeasure > best.fmeasure) best = s;
  }
  return best;
}
