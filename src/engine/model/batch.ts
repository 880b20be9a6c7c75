// What one forward pass sees. Letters: B batch rows, T real-token columns, P virtual tokens / prefix length,
// C hidden, L layers, KVH key-value heads, hd head dim.
//
// Semantics are PEFT's (../shared/fixtures/README.md): a soft prompt is prepended to the input embeddings
// (positions 0..P+T-1, labels extended with P × -100), a prefix is placed in every layer's KV cache as is
// (no RoPE / norm / bias; positions P..P+T-1; labels not extended). Positions never depend on padding.

export interface TokenBatch {
  rows: number; // B
  columns: number; // T
  inputIds: Int32Array; // (B, T)
  attentionMask: Uint8Array; // (B, T) 1 = real token, 0 = pad
  labels: Int32Array; // (B, T) HF convention: aligned with inputIds (the model shifts), -100 = ignored
}

/** The trainable extra input: at most one of the two is set. */
export interface ExtraInputs {
  /** (P, C) prepended input embeddings, shared by every row (PEFT PROMPT_TUNING / P-tuning output). */
  promptEmbeds?: Float32Array;
  /** (P, L*2*KVH*hd) in PEFT's `prompt_embeddings` layout for PREFIX_TUNING:
   *  element [p, ((l*2 + kv)*KVH + head)*hd + d], kv 0 = key, 1 = value. */
  prefix?: Float32Array;
  /** P; required when either table is set. */
  virtualTokens?: number;
}

export const IGNORE_INDEX = -100;

/** Turns ragged token rows into a padded TokenBatch. `targets[i]` marks which tokens of row i are scored. */
export function padBatch(
  rowsTokens: number[][],
  rowsLabels: number[][],
  padTokenId: number,
  side: 'left' | 'right',
): TokenBatch {
  const rows = rowsTokens.length;
  const columns = Math.max(1, ...rowsTokens.map((r) => r.length));
  const inputIds = new Int32Array(rows * columns).fill(padTokenId);
  const attentionMask = new Uint8Array(rows * columns);
  const labels = new Int32Array(rows * columns).fill(IGNORE_INDEX);
  for (let b = 0; b < rows; b++) {
    const toks = rowsTokens[b];
    const labs = rowsLabels[b];
    if (labs.length !== toks.length) throw new Error(`row ${b}: ${toks.length} tokens but ${labs.length} labels`);
    const start = side === 'left' ? columns - toks.length : 0;
    for (let t = 0; t < toks.length; t++) {
      inputIds[b * columns + start + t] = toks[t];
      attentionMask[b * columns + start + t] = 1;
      labels[b * columns + start + t] = labs[t];
    }
  }
  return { rows, columns, inputIds, attentionMask, labels };
}
