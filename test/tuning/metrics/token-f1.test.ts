import { describe, expect, it } from 'vitest';
import { normalizeAnswer, tokenF1 } from '../../../src/tuning/metrics/token-f1.ts';

// SQuAD's normalize_answer and compute_f1, worked by hand.
describe('token F1 (SQuAD)', () => {
  it('normalises: lower case, no punctuation, no articles as whole words, single spaces', () => {
    expect(normalizeAnswer('The  Cat, sat!')).toBe('cat sat');
    expect(normalizeAnswer("Don't (panic)")).toBe('dont panic');
    // "theater", "another", "Anna" keep their letters: only whole words a / an / the go.
    expect(normalizeAnswer('A theater, another ANNA an')).toBe('theater another anna');
    // Punctuation goes before articles: "the-end" → "theend" (one word), "a." → "a" → removed.
    expect(normalizeAnswer('the-end a.')).toBe('theend');
    // Non-ASCII letters are word characters for Python's \b: "thé" is not the article.
    expect(normalizeAnswer('thé the')).toBe('thé');
  });

  it('overlap of token bags, precision and recall', () => {
    // pred "The cat sat on the mat." → [cat, sat, on, mat]; ref "a cat is on the mat" → [cat, is, on, mat]
    // common {cat, on, mat} = 3; P = 3/4, R = 3/4, F1 = 0.75.
    expect(tokenF1('The cat sat on the mat.', ['a cat is on the mat'])).toBeCloseTo(0.75, 12);
    // Unequal lengths: pred "paris france" (2), ref "paris" (1): common 1, P = 1/2, R = 1,
    // F1 = 2·(1/2)·1 / (3/2) = 2/3.
    expect(tokenF1('Paris, France', ['paris'])).toBeCloseTo(2 / 3, 12);
    // Repeats are clipped: pred [dog, dog, dog], ref [dog, bites, dog] → common min(3, 2) = 2, P = R = 2/3.
    expect(tokenF1('the the dog dog dog', ['dog bites dog'])).toBeCloseTo(2 / 3, 12);
    expect(tokenF1('blue', ['red'])).toBe(0);
  });

  it('the maximum over references', () => {
    // vs "paris" 2/3 (above), vs "Paris France" 1 → 1.
    expect(tokenF1('Paris, France', ['paris', 'Paris France'])).toBe(1);
  });

  it('empty answers (v2.0 rule): equal when both are empty, else 0', () => {
    expect(tokenF1('', ['the'])).toBe(1); // "the" normalises to nothing, as the empty prediction
    expect(tokenF1('', ['cat'])).toBe(0);
    expect(tokenF1('cat', ['a'])).toBe(0);
  });
});
