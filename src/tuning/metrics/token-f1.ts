// Token F1 as the SQuAD evaluation script computes it (evaluate-v2.0.py, `compute_f1`, with `normalize_answer`):
// lower case, drop ASCII punctuation (Python's string.punctuation), drop the articles a / an / the as whole words,
// split on whitespace; F1 of the bag-of-tokens overlap (multiset intersection); the maximum over the references.
// Where the script is silent on an empty side, v2.0's rule: if either side has no tokens, F1 = 1 when both are
// empty, else 0.

// Python's string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
// Python 3's \b on str is Unicode-aware: a word character is a letter, a number or '_' (str.isalnum() or '_').
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
// Python's str.split() splits on what str.isspace() calls whitespace (JS \s lacks \x1c-\x1f and \x85, has \ufeff).
// eslint-disable-next-line no-control-regex -- \x1c-\x1f are whitespace to Python
export const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Python's `s.split()`: runs of whitespace separate, no empty strings. */
export function pySplit(s: string): string[] {
  return s.split(PY_WHITESPACE).filter((t) => t.length > 0);
}

/** SQuAD's normalize_answer: lower, remove punctuation, remove articles, collapse whitespace. */
export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  const noPunct = Array.from(lower).filter((ch) => !PUNCTUATION.has(ch)).join('');
  const noArticles = noPunct.replace(ARTICLES, ' ');
  return pySplit(noArticles).join(' ');
}

/** The normalised tokens of an answer. */
export function answerTokens(s: string): string[] {
  return pySplit(normalizeAnswer(s));
}

/** F1 of one prediction against one reference (SQuAD compute_f1). */
export function tokenF1Single(prediction: string, reference: string): number {
  const pred = answerTokens(prediction);
  const gold = answerTokens(reference);
  if (pred.length === 0 || gold.length === 0) return pred.length === gold.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of gold) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of pred) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / pred.length;
  const recall = same / gold.length;
  return (2 * precision * recall) / (precision + recall);
}

/** SQuAD's metric_max_over_ground_truths(compute_f1, ...). */
export function tokenF1(prediction: string, references: readonly string[]): number {
  if (references.length === 0) throw new Error('token F1 needs at least one reference');
  return Math.max(...references.map((r) => tokenF1Single(prediction, r)));
}
