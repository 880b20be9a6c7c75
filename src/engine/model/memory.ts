// How much GPU memory a model needs for training at a given capacity, computed before anything is uploaded,
// so the studio can refuse a model that does not fit — with the limit and the size in the message.
// Letters: L layers, C hidden, H heads, KVH kv heads, hd head dim, I intermediate, V vocab, N positions,
// R rows (batch), S tokens per row (virtual included), Pmax largest prefix.
import type { ModelConfig } from './config.ts';
import type { WeightStorage } from '../kernels/weight-storage.ts';

export interface Capacity {
  rows: number; // R
  tokens: number; // S
}

export interface MemoryEstimate {
  weights: number; // bytes in the chosen weight storage (norms and biases always f32)
  activations: number; // bytes saved for backward + gradients
  total: number;
  /** The biggest single buffer (must fit maxStorageBufferBindingSize). */
  largestBuffer: number;
}

export function estimateGpuBytes(cfg: ModelConfig, cap: Capacity, storage: WeightStorage = 'f32'): MemoryEstimate {
  const { hidden: C, layers: L, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V } = cfg;
  const perLayerMatrices = C * H * hd + 2 * C * KVH * hd + H * hd * C + (cfg.mlp === 'swiglu' ? 3 : 2) * C * I;
  const embed = V * C;
  const head = cfg.tiedEmbeddings ? 0 : V * C;
  const pos = cfg.positions === 'learned' ? cfg.maxPositions * C : 0;
  const perValue = storage === 'f16' ? 2 : 4;
  const weights = perValue * (embed + head + pos + L * perLayerMatrices) + 4 * (L * 4 * C + 2 * C);
  const RS = cap.rows * cap.tokens;
  // Saved per layer: residual in/mid, two norm outputs, q, k, v, attention out, MLP pre/post activations.
  const perLayerActs = RS * (4 * C + H * hd + 2 * KVH * hd + H * hd + 3 * I) + cap.rows * H * cap.tokens;
  const activations = 4 * (L * perLayerActs + 6 * RS * Math.max(C, I));
  const largestBuffer = Math.max(perValue * Math.max(embed, head, I * C), 4 * RS * Math.max(C, I, H * hd));
  return { weights, activations, total: weights + activations, largestBuffer };
}

/**
 * The studio's weight storage for a checkpoint: f16 when its weights already are F16/BF16 (an f32 copy would
 * double the memory and add no precision the f16 path lacks for F16; BF16's 8-bit significand fits f16's 11 bits
 * in f16's exponent range) or when an f32 weight buffer would exceed the device's buffer limits and f16 fits them;
 * f32 otherwise, and whenever a weight lies beyond f16's range (`fitsHalf` false). WebGPU does not expose a
 * device's memory size, so the buffer limits are the only device-side test.
 */
export function chooseWeightStorage(
  cfg: ModelConfig,
  cap: Capacity,
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number },
  checkpoint: { half: boolean; fitsHalf: boolean },
): WeightStorage {
  if (!checkpoint.fitsHalf) return 'f32';
  if (checkpoint.half) return 'f16';
  const limit = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  return estimateGpuBytes(cfg, cap, 'f32').largestBuffer > limit && estimateGpuBytes(cfg, cap, 'f16').largestBuffer <= limit ? 'f16' : 'f32';
}

/** Human-readable bytes for messages. */
export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}
