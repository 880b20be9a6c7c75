// From continuous prompt rows to vocabulary tokens, and from tokens back to the engine's extra input.
// Letters: P prompt positions, C hidden, V vocabulary.
//
// A hard prompt of token ids is fed as `promptEmbeds` = their embedding rows: the engine prepends them at PEFT
// positions 0..P-1, exactly as if the tokens were typed before the template, and its gradient with respect to
// `promptEmbeds` is the gradient with respect to those token embeddings. PEZ (Wen et al. 2023) and the soft
// prompt read-out project by cosine similarity, as the paper does; the projection is a brute-force scan of the
// embedding table (V·C multiply-adds per row; 131k for the demo model, 29M per row for a 50k-token GPT-2).
import type { ExtraInputs } from '../../engine/model/batch.ts';
import type { ModelConfig } from '../../engine/model/config.ts';
import type { Tensor } from '../../engine/model/weights.ts';

/** The embedding table with what projection needs precomputed: each row's norm, and which ids may be chosen. */
export interface Vocabulary {
  embed: Float32Array; // (V, C) as stored
  scale: number; // a token's input vector is scale · its row (Gemma: √C; config.embedScale), where soft prompts live
  size: number; // V
  hidden: number; // C
  norms: Float64Array; // (V) Euclidean norm of each row (1 for an all-zero row, so cosines stay finite)
  /** Ids that a discovered prompt may use: special tokens (BOS, EOS, pad) are left out. */
  allowed: Uint8Array; // (V) 1 = may be chosen
}

export function vocabularyOf(embed: Tensor, cfg: Pick<ModelConfig, 'bosTokenId' | 'eosTokenId' | 'padTokenId' | 'embedScale'>): Vocabulary {
  const [V, C] = embed.shape;
  const norms = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += embed.data[v * C + c] ** 2;
    norms[v] = Math.sqrt(s) || 1;
  }
  const allowed = new Uint8Array(V).fill(1);
  for (const id of [cfg.bosTokenId, cfg.eosTokenId, cfg.padTokenId]) if (id !== null && id !== undefined && id >= 0 && id < V) allowed[id] = 0;
  return { embed: embed.data, scale: cfg.embedScale, size: V, hidden: C, norms, allowed };
}

export interface TokenMatch {
  id: number;
  cosine: number;
}

/**
 * For each of the P rows of `rows` (P, C), the `k` allowed vocabulary ids with the largest cosine similarity, best
 * first (the embedding scale does not change a cosine). The one nearest-token rule of the studio — PEZ's projection,
 * the soft prompt's read-out and the nearest-tokens view all use it: special tokens (BOS, EOS, pad; Vocabulary
 * `allowed`) are never candidates, because a read-out is text to type before the template and those are not typed.
 */
export function nearestTokens(rows: Float32Array, vocab: Vocabulary, k: number): TokenMatch[][] {
  const C = vocab.hidden;
  const P = rows.length / C;
  if (!Number.isInteger(P)) throw new Error(`prompt of ${rows.length} values is not a whole number of rows of ${C}`);
  const out: TokenMatch[][] = [];
  for (let p = 0; p < P; p++) {
    const x = rows.subarray(p * C, (p + 1) * C);
    let xx = 0;
    for (let c = 0; c < C; c++) xx += x[c] * x[c];
    const xn = Math.sqrt(xx) || 1;
    const best: TokenMatch[] = []; // the k best so far, best first (k is small: an insertion keeps it sorted)
    for (let v = 0; v < vocab.size; v++) {
      if (!vocab.allowed[v]) continue;
      let dot = 0;
      const o = v * C;
      for (let c = 0; c < C; c++) dot += x[c] * vocab.embed[o + c];
      const cosine = dot / (xn * vocab.norms[v]);
      if (best.length === k && cosine <= best[k - 1].cosine) continue;
      let i = Math.min(best.length, k - 1);
      while (i > 0 && best[i - 1].cosine < cosine) i--;
      best.splice(i, 0, { id: v, cosine });
      if (best.length > k) best.pop();
    }
    out.push(best);
  }
  return out;
}

/** Each row's nearest allowed token (nearestTokens with k = 1). */
export function projectToVocabulary(rows: Float32Array, vocab: Vocabulary): number[] {
  return nearestTokens(rows, vocab, 1).map((m) => m[0].id);
}

/** The input vectors of `ids` (scaled embedding rows) as one (P, C) table. */
export function embeddingRows(ids: readonly number[], vocab: Pick<Vocabulary, 'embed' | 'scale' | 'hidden' | 'size'>): Float32Array {
  const C = vocab.hidden;
  const out = new Float32Array(ids.length * C);
  ids.forEach((id, p) => {
    if (!(Number.isInteger(id) && id >= 0 && id < vocab.size)) throw new Error(`token id ${id} is outside the vocabulary of ${vocab.size}`);
    for (let c = 0; c < C; c++) out[p * C + c] = vocab.embed[id * C + c] * vocab.scale;
  });
  return out;
}

/** The engine's extra input that is exactly "these tokens typed before the template"; none for no tokens. */
export function hardPromptExtras(ids: readonly number[], vocab: Pick<Vocabulary, 'embed' | 'scale' | 'hidden' | 'size'>): ExtraInputs {
  return ids.length === 0 ? {} : { promptEmbeds: embeddingRows(ids, vocab), virtualTokens: ids.length };
}
