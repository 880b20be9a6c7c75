import { describe, expect, it } from 'vitest';
import { lcsLength, rougeL, rougeTokens } from '../../../src/tuning/metrics/rouge-l.ts';

// rouge_score's default tokenizer (no stemmer) and _score_lcs, worked by hand.
describe('ROUGE-L (rouge_score)', () => {
  it('tokenizer: lower case, runs outside [a-z0-9] become spaces', () => {
    expect(rougeTokens("Hello, World! It's 3pm")).toEqual(['hello', 'world', 'it', 's', '3pm']);
    // Non-ASCII letters are not [a-z0-9]: "café" → "caf", "naïve" → "na", "ve".
    expect(rougeTokens('Café naïve')).toEqual(['caf', 'na', 've']);
    expect(rougeTokens(' -- ')).toEqual([]);
  });

  it('LCS-based precision, recall and F', () => {
    expect(lcsLength(['a', 'b', 'c', 'd'], ['b', 'd', 'a'])).toBe(2);
    // target [the quick brown fox jumps] (5), prediction [quick fox jumps high] (4): LCS quick fox jumps = 3;
    // P = 3/4, R = 3/5, F = 2·0.75·0.6 / 1.35 = 0.9 / 1.35 = 2/3.
    const s = rougeL('Quick fox jumps high', ['The quick brown fox jumps']);
    expect(s.precision).toBeCloseTo(0.75, 12);
    expect(s.recall).toBeCloseTo(0.6, 12);
    expect(s.fmeasure).toBeCloseTo(2 / 3, 12);
    // Order matters (a subsequence, not a bag): [the cat lay on a mat] vs [the cat sat on the mat]:
    // LCS the cat on mat = 4 of 6 each way, F = 4/6.
    expect(rougeL('the cat lay on a mat', ['The cat sat on the mat']).fmeasure).toBeCloseTo(4 / 6, 12);
    // Articles and case stay tokens here (unlike SQuAD): "the" counts.
    expect(rougeL('mat the', ['the mat']).fmeasure).toBeCloseTo(0.5, 12);
  });

  it('no tokens on either side: all 0; several references: the best F', () => {
    expect(rougeL('', ['cat'])).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    expect(rougeL('!!', ['!!']).fmeasure).toBe(0);
    // vs "dog": 0; vs "a big cat": LCS [cat] = 1, P = 1/2, R = 1/3, F = (1/3)/(5/6) = 0.4.
    expect(rougeL('the cat', ['dog', 'a big cat']).fmeasure).toBeCloseTo(0.4, 12);
  });
});
