import { describe, expect, it } from 'vitest';
import { chrfStats, corpusChrf, sentenceChrf } from '../../../src/tuning/metrics/chrf.ts';

// sacreBLEU's chrF defaults (char order 6, word order 0, β = 2, whitespace removed), worked by hand.
describe('chrF (sacreBLEU)', () => {
  it('a symmetric pair: P = R per order, so chrF = the mean precision', () => {
    // "thecatsat" vs "thecatsit" (whitespace removed), [hyp, ref, match] per order:
    // n=1: 9, 9, 8 (t3 h e c a s; the second "a" has no partner)   n=2: 8, 8, 6 (th he ec ca at ts)
    // n=3: 7, 7, 5   n=4: 6, 6, 4   n=5: 5, 5, 3   n=6: 4, 4, 2
    expect(chrfStats('the cat sat', 'the cat sit')).toEqual([9, 9, 8, 8, 8, 6, 7, 7, 5, 6, 6, 4, 5, 5, 3, 4, 4, 2]);
    // mean P = mean R = (8/9 + 6/8 + 5/7 + 4/6 + 3/5 + 2/4) / 6 = 0.686640…; F_2 of P = R is P → 68.664…
    const p = (8 / 9 + 6 / 8 + 5 / 7 + 4 / 6 + 3 / 5 + 2 / 4) / 6;
    expect(sentenceChrf('the cat sat', ['the cat sit'])).toBeCloseTo(100 * p, 10);
    expect(sentenceChrf('the cat sat', ['the cat sit'])).toBeCloseTo(68.66402116402116, 10);
  });

  it('β = 2 weighs recall: a short hypothesis', () => {
    // "ab" vs "abc": n=1: P 2/2, R 2/3; n=2: P 1/1, R 1/2; n=3: no hypothesis trigram → not an effective order.
    // P = 1, R = (2/3 + 1/2)/2 = 7/12; F = 5·1·(7/12) / (4·1 + 7/12) = 35/55 = 7/11 → 63.6364
    expect(sentenceChrf('ab', ['abc'])).toBeCloseTo(700 / 11, 10);
    // "abcd" vs "ab": n=1: P 2/4, R 1; n=2: P 1/3, R 1; n=3..6: the reference has none.
    // P = (1/2 + 1/3)/2 = 5/12, R = 1; F = 5·(5/12) / (4·5/12 + 1) = 25/32 → 78.125
    expect(sentenceChrf('abcd', ['ab'])).toBeCloseTo(78.125, 10);
  });

  it('whitespace removed, code points (not UTF-16 units), empty and equal', () => {
    expect(sentenceChrf('a b\tc', ['abc'])).toBe(100);
    // "😀😀" vs "😀": n=1: P 1/2, R 1; n=2: the reference has no bigram. F = 5·0.5 / (2 + 1) = 5/6 → 83.333
    expect(sentenceChrf('😀😀', ['😀'])).toBeCloseTo(250 / 3, 10);
    expect(sentenceChrf('', ['abc'])).toBe(0);
    expect(sentenceChrf('xyz', ['abc'])).toBe(0);
  });

  it('several references: the statistics of the best-scoring one', () => {
    // vs "dog": 0. vs "the cat sat": P = 1 every order, R = (6/9 + 5/8 + 4/7 + 3/6 + 2/5 + 1/4)/6 = 0.50218…,
    // F = 5R / (4 + R) = 55.77. vs "cat": n=1 P 3/6, n=2 P 2/5, n=3 P 1/4, R = 1 (orders 4–6: no reference
    // n-grams); P = 1.15/3, F = 5P / (4P + 1) = 75.6579 — the best.
    const P = 1.15 / 3;
    expect(sentenceChrf('the cat', ['dog', 'the cat sat', 'cat'])).toBeCloseTo((100 * 5 * P) / (4 * P + 1), 10);
  });

  it('corpus chrF sums statistics; a hypothesis n-gram counts 0 where the reference has none of that order', () => {
    // ("ab" | "ab"): n=1: 2, 2, 2; n=2: 1, 1, 1.  ("abc" | "a"): n=1: 3, 1, 1; n=2: the reference has no bigram,
    // so [0, 0, 0], not [2, 0, 0]. Sums: n=1: 5, 3, 3; n=2: 1, 1, 1.
    // P = (3/5 + 1)/2 = 0.8, R = (1 + 1)/2 = 1; F = 5·0.8 / (3.2 + 1) = 4/4.2 → 95.238
    expect(corpusChrf(['ab', 'abc'], [['ab'], ['a']])).toBeCloseTo(400 / 4.2, 10);
    // (Counting the 2 bigrams of "abc" would give P = (3/5 + 1/3)/2 and 82.35 instead.)
  });
});
