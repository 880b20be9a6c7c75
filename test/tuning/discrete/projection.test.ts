import { describe, expect, it } from 'vitest';
import { embeddingRows, hardPromptExtras, nearestTokens, projectToVocabulary, vocabularyOf } from '../../../src/tuning/discrete/projection.ts';
import { Rng } from '../../../src/tuning/random.ts';
import type { Tensor } from '../../../src/engine/model/weights.ts';

// The PEZ projection step against a float64 brute force: for each prompt row, the allowed vocabulary row with
// the largest cosine similarity (both norms divided out in float64).
const V = 300;
const C = 24;
const rng = new Rng(3);
const embed: Tensor = { shape: [V, C], data: Float32Array.from({ length: V * C }, () => rng.normal(0, 1)) };
// Rows of very different norms: cosine, not the dot product, must decide (a long row must not win by length).
for (let v = 0; v < V; v += 7) for (let c = 0; c < C; c++) embed.data[v * C + c] *= 9;
const cfg = { bosTokenId: 5, eosTokenId: 5, padTokenId: 6, embedScale: 1 };

function bruteForceCosine(x: Float32Array, skip: Set<number>): number {
  const xn = Math.sqrt(x.reduce((s, a) => s + a * a, 0));
  let best = -1;
  let bestCos = -Infinity;
  for (let v = 0; v < V; v++) {
    if (skip.has(v)) continue;
    let dot = 0;
    let n = 0;
    for (let c = 0; c < C; c++) {
      dot += x[c] * embed.data[v * C + c];
      n += embed.data[v * C + c] ** 2;
    }
    const cos = dot / (xn * Math.sqrt(n));
    if (cos > bestCos) {
      bestCos = cos;
      best = v;
    }
  }
  return best;
}

describe('projectToVocabulary (PEZ projection)', () => {
  const vocab = vocabularyOf(embed, cfg);

  it('picks the id of the float64 brute-force cosine maximum for random rows, never a special token', () => {
    const P = 40;
    const rows = Float32Array.from({ length: P * C }, () => rng.normal(0, 0.3));
    // Two rows sit exactly on the special tokens' embeddings: they must go to their next-nearest instead.
    rows.set(embed.data.subarray(5 * C, 6 * C), 0);
    rows.set(embed.data.subarray(6 * C, 7 * C), C);
    const ids = projectToVocabulary(rows, vocab);
    const expected = Array.from({ length: P }, (_, p) => bruteForceCosine(rows.subarray(p * C, (p + 1) * C), new Set([5, 6])));
    expect(ids).toEqual(expected);
    expect(ids).not.toContain(5);
    expect(ids).not.toContain(6);
  });

  it('cosine, not dot product: a scaled-down copy of a short row projects to that row, not to a long neighbour', () => {
    const target = 10; // not a multiple of 7: an ordinary-norm row
    const x = embed.data.slice(target * C, (target + 1) * C).map((a) => a * 0.01);
    expect(projectToVocabulary(x, vocab)).toEqual([target]);
  });

  it('a vocabulary row projects to itself, and hardPromptExtras gives exactly those rows', () => {
    const ids = [11, 0, 299, 42];
    const rows = embeddingRows(ids, vocab);
    expect(projectToVocabulary(rows, vocab)).toEqual(ids);
    const extras = hardPromptExtras(ids, vocab);
    expect(extras.virtualTokens).toBe(4);
    expect(Array.from(extras.promptEmbeds!.subarray(2 * C, 3 * C))).toEqual(Array.from(embed.data.subarray(299 * C, 300 * C)));
    expect(hardPromptExtras([], vocab)).toEqual({});
    expect(() => embeddingRows([V], vocab)).toThrow(/outside the vocabulary/);
  });

  it('with an embedding scale (Gemma: √C) a typed token is its scaled row, and still projects to itself', () => {
    const scaled = vocabularyOf(embed, { ...cfg, embedScale: 3 });
    const rows = embeddingRows([11, 299], scaled);
    expect(Array.from(rows.subarray(C, 2 * C))).toEqual(Array.from(embed.data.subarray(299 * C, 300 * C), (v) => Math.fround(3 * v)));
    expect(projectToVocabulary(rows, scaled)).toEqual([11, 299]);
  });
});

// One nearest-token rule for PEZ, the soft prompt's read-out and the nearest-tokens view: cosine over the allowed ids,
// special tokens (BOS, EOS, pad) never among them, not even when a row sits exactly on one.
describe('nearestTokens (the one nearest-token rule)', () => {
  const vocab = vocabularyOf(embed, cfg);
  const cosines = (x: Float32Array) => {
    const xn = Math.sqrt(x.reduce((s, a) => s + a * a, 0));
    return Array.from({ length: V }, (_, v) => {
      let dot = 0;
      let n = 0;
      for (let c = 0; c < C; c++) {
        dot += x[c] * embed.data[v * C + c];
        n += embed.data[v * C + c] ** 2;
      }
      return { id: v, cosine: dot / (xn * Math.sqrt(n)) };
    });
  };

  it('gives the k best allowed ids with their float64 cosines, best first; the first is projectToVocabulary', () => {
    const rows = Float32Array.from({ length: 3 * C }, () => rng.normal(0, 0.3));
    rows.set(embed.data.subarray(5 * C, 6 * C), 0); // exactly BOS/EOS's row
    const k = 5;
    const got = nearestTokens(rows, vocab, k);
    got.forEach((matches, p) => {
      const want = cosines(rows.subarray(p * C, (p + 1) * C)).filter((m) => m.id !== 5 && m.id !== 6).sort((a, b) => b.cosine - a.cosine).slice(0, k);
      expect(matches.map((m) => m.id)).toEqual(want.map((m) => m.id));
      matches.forEach((m, i) => expect(m.cosine).toBeCloseTo(want[i].cosine, 6));
    });
    expect(got[0].map((m) => m.id)).not.toContain(5);
    expect(got.map((m) => m[0].id)).toEqual(projectToVocabulary(rows, vocab));
  });
});
