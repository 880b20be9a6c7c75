import { describe, expect, it } from 'vitest';
import { scoreText, textMetrics } from '../../../src/tuning/metrics/generation.ts';

describe('free-text metrics together', () => {
  it('exact match is strict (trimmed, case-sensitive); the others give partial credit', () => {
    const s = scoreText(' The cat sat', ['the cat sat']).scores;
    expect(s.exactMatch).toBe(0); // "The" ≠ "the"
    expect(s.tokenF1).toBe(1);
    expect(s.rougeL).toBe(1);
    // chrF is case-sensitive: "Thecatsat" vs "thecatsat": n=1 P = R = 8/9, n=2 7/8, …, n=6 3/4 (only the
    // n-grams holding the first letter differ): mean (8/9 + 7/8 + 6/7 + 5/6 + 4/5 + 3/4)/6.
    expect(s.chrf).toBeCloseTo((100 * (8 / 9 + 7 / 8 + 6 / 7 + 5 / 6 + 4 / 5 + 3 / 4)) / 6, 10);
    expect(scoreText('the cat sat \n', ['the cat sat']).scores.exactMatch).toBe(1);
  });

  it('corpus: means of exact match, F1 and ROUGE-L; chrF from summed statistics', () => {
    // ("ab" | "ab"): EM 1, F1 1, ROUGE-L 1. ("abc" | "a"): EM 0, F1 0, ROUGE-L 0 ("abc" ≠ "a" as tokens).
    const m = textMetrics(['ab', 'abc'], [['ab'], ['a']]);
    expect(m.exactMatch).toBe(0.5);
    expect(m.tokenF1).toBe(0.5);
    expect(m.rougeL).toBe(0.5);
    expect(m.chrf).toBeCloseTo(400 / 4.2, 10); // as in chrf.test.ts
    expect(Number.isNaN(textMetrics([], []).chrf)).toBe(true);
  });
});
