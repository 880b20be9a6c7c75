// How much GPU memory a model needs for training at a given capacity, computed before anything is uploaded,
// so the studio can refuse a model that does not fit — with the limit and the size in the message.
// Letters: L layers, C hidden, H heads, KVH kv heads, hd head dim, I intermediate, V vocab, N positions,
// R rows (batch), S tokens per row (virtual included), Pmax largest prefix.
import type { ModelConfig } from './config.ts';

export interface Capacity {
  rows: number; // R
  tokens: number; // S
}

export interface MemoryEstimate {
  weights: number; // bytes, f32
  activations: number; // bytes saved for backward + gradients
  total: number;
  /** The biggest single buffer (must fit maxStorageBufferBindingSize). */
  largestBuffer: number;
}

export function estimateGpuBytes(cfg: ModelConfig, cap: Capacity): MemoryEstimate {
  const { hidden: C, layers: L, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V } = cfg;
  const perLayerWeights = C * H * hd + 2 * C * KVH * hd + H * hd * C + (cfg.mlp === 'swiglu' ? 3 : 2) * C * I + 4 * C;
  const embed = V * C;
  const head = cfg.tiedEmbeddings ? 0 : V * C;
  const pos = cfg.positions === 'learned' ? cfg.maxPositions * C : 0;
  const weights = 4 * (embed + head + pos + L * perLayerWeights + 2 * C);
  const RS = cap.rows * cap.tokens;
  // Saved per layer: residual in/mid, two norm outputs, q, k, v, attention out, MLP pre/post activations.
  const perLayerActs = RS * (4 * C + H * hd + 2 * KVH * hd + H * hd + 3 * I) + cap.rows * H * cap.tokens;
  const activations = 4 * (L * perLayerActs + 6 * RS * Math.max(C, I));
  const largestBuffer = 4 * Math.max(embed, head, RS * Math.max(C, I, H * hd), I * C);
  return { weights, activations, total: weights + activations, largestBuffer };
}

/** Human-readable bytes for messages. */
export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}
