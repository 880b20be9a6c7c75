// How much GPU memory a model needs for training at a given capacity, computed before anything is uploaded,
// so the studio can refuse a model that does not fit — with the limit and the size in the message.
// Letters: L layers, C hidden, H heads, KVH kv heads, hd head dim, I intermediate, V vocab, N positions,
// R rows (batch), S tokens per row (virtual included), Pmax largest prefix.
import type { ModelConfig } from './config.ts';
import type { WeightStorage } from '../kernels/weight-storage.ts';

export interface Capacity {
  rows: number; // R
  tokens: number; // S
  targets?: number; // scored rows per call (default rows × tokens)
}

export interface MemoryEstimate {
  weights: number; // bytes in the chosen weight storage (norms and biases always f32)
  activations: number; // bytes saved for backward + gradients
  total: number;
  /** The biggest single buffer (must fit maxStorageBufferBindingSize). */
  largestBuffer: number;
}

/** Most bytes the logits at scored rows may take (R·V·4, and as much again for their read-back copy). */
const LOGITS_BUDGET = 128 * 2 ** 20;

/**
 * Scored rows per call (R) the engine is built for: what is asked (default every token of a full batch), bucketed to a
 * power of two ≥ 8 like the calls, and capped so R·V floats fit the logits budget and the binding limit. A training
 * batch scores only answer tokens, so the cap binds only for large vocabularies (Gemma 3's 262,144: 128 rows).
 */
export function targetCapacity(cfg: Pick<ModelConfig, 'vocabSize'>, cap: Capacity, maxBinding = Infinity): number {
  const want = Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(1, cap.targets ?? cap.rows * cap.tokens))));
  return Math.max(8, Math.min(want, Math.floor(Math.min(LOGITS_BUDGET, maxBinding) / (4 * cfg.vocabSize))));
}

export function estimateGpuBytes(cfg: ModelConfig, cap: Capacity, storage: WeightStorage = 'f32'): MemoryEstimate {
  const { hidden: C, layers: L, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V } = cfg;
  const perLayerMatrices = C * H * hd + 2 * C * KVH * hd + H * hd * C + (cfg.mlp === 'gelu_new' ? 2 : 3) * C * I;
  const embed = V * C;
  const head = cfg.tiedEmbeddings ? 0 : V * C;
  const pos = cfg.positions === 'learned' ? cfg.maxPositions * C : 0;
  const perValue = storage === 'f16' ? 2 : 4;
  // Norm gains and biases (Gemma 3: four norms a layer; Qwen3, Gemma 3: q/k norms over head_dim), always f32.
  const normValues = (L * (cfg.postNorms ? 4 : 2) + 1) * C * (cfg.norm === 'layernorm' ? 2 : 1) + (cfg.qkNorm ? L * 2 * hd : 0);
  const weights = perValue * (embed + head + pos + L * perLayerMatrices) + 4 * normValues;
  const RS = cap.rows * cap.tokens;
  // Saved per layer: residual in/mid, two norm outputs, q, k, v, attention out, MLP pre/post activations, and for
  // Gemma 3 the two sublayer outputs before their post norms.
  const perLayerActs = RS * (4 * C + H * hd + 2 * KVH * hd + H * hd + 3 * I + (cfg.postNorms ? 2 * C : 0)) + cap.rows * H * cap.tokens;
  // Logits at the scored rows and their read-back copy: R·V each, which a 262,144-token vocabulary makes large.
  const targets = targetCapacity(cfg, cap);
  const logits = 2 * targets * V;
  const activations = 4 * (L * perLayerActs + 6 * RS * Math.max(C, I) + logits);
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
