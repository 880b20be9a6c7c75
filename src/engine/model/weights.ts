// The frozen model's tensors under one canonical naming, whatever the Hub checkpoint called them.
// Convention: every projection is stored (out, in) and applied as y = x · Wᵀ + b (nn.Linear). GPT-2's Conv1D
// tensors, stored (in, out), are transposed at load and its fused c_attn is split into q, k, v.
// Letters: V vocab, C hidden, H heads, KVH kv heads, hd head dim, I intermediate, N positions.
import type { ModelConfig } from './config.ts';
import type { WeightStorage } from '../kernels/weight-storage.ts';
import { halfToFloat, packHalves } from '../io/safetensors.ts';

export interface Tensor {
  shape: number[];
  data: Float32Array; // f32 on the host; BF16/F16 checkpoints are widened exactly at load
}

export interface LayerWeights {
  norm1: { weight: Tensor; bias?: Tensor }; // (C) ln_1 / input_layernorm
  q: { weight: Tensor; bias?: Tensor }; // (H*hd, C)
  k: { weight: Tensor; bias?: Tensor }; // (KVH*hd, C)
  v: { weight: Tensor; bias?: Tensor }; // (KVH*hd, C)
  o: { weight: Tensor; bias?: Tensor }; // (C, H*hd)
  qNorm?: Tensor; // (hd) Qwen3, Gemma 3
  kNorm?: Tensor; // (hd) Qwen3, Gemma 3
  postAttnNorm?: { weight: Tensor }; // (C) Gemma 3 post_attention_layernorm: on o_proj's output, before the residual add
  norm2: { weight: Tensor; bias?: Tensor }; // (C) ln_2 / post_attention_layernorm (Llama) / pre_feedforward_layernorm (Gemma 3)
  // GPT-2: up = c_fc (I, C), down = c_proj (C, I), no gate. SwiGLU: gate (I, C), up (I, C), down (C, I).
  gate?: { weight: Tensor };
  up: { weight: Tensor; bias?: Tensor };
  down: { weight: Tensor; bias?: Tensor };
  postMlpNorm?: { weight: Tensor }; // (C) Gemma 3 post_feedforward_layernorm: on down_proj's output, before the residual add
}

export interface ModelWeights {
  embed: Tensor; // (V, C) token embeddings
  positions?: Tensor; // (N, C) GPT-2 learned positions
  layers: LayerWeights[];
  finalNorm: { weight: Tensor; bias?: Tensor }; // (C)
  lmHead: Tensor; // (V, C); the same object as `embed` when the embeddings are tied
}

/** Projection weights of the transformer blocks (the "4 × params × tokens" FLOP budget counts these). */
/** Every parameter of the model, from the tensors' shapes (a model streamed to the GPU keeps only its embeddings'
 *  data on the host, but every shape): embeddings, each layer's projections, norms and biases, the final norm, and
 *  the head unless it is tied to the embeddings. */
export function countParameters(w: ModelWeights): number {
  const n = (t: Tensor | undefined) => (t ? t.shape.reduce((a, d) => a * d, 1) : 0);
  const lin = (x: { weight: Tensor; bias?: Tensor } | undefined) => n(x?.weight) + n(x?.bias);
  const layers = w.layers.reduce(
    (a, l) =>
      a + lin(l.norm1) + lin(l.q) + lin(l.k) + lin(l.v) + lin(l.o) + n(l.qNorm) + n(l.kNorm) + lin(l.norm2) + lin(l.gate) + lin(l.up) + lin(l.down) +
      lin(l.postAttnNorm) + lin(l.postMlpNorm),
    0,
  );
  return n(w.embed) + n(w.positions) + (w.lmHead === w.embed ? 0 : n(w.lmHead)) + layers + lin(w.finalNorm);
}

export function countLayerParameters(w: ModelWeights): number {
  return w.layers.reduce((a, l) => a + [l.q, l.k, l.v, l.o, l.up, l.down, ...(l.gate ? [l.gate] : [])].reduce((b, x) => b + x.weight.data.length, 0), 0);
}

/**
 * The weights as the GPU computes with them under `storage`: for 'f16', every matrix gpu-buffers.ts stores as
 * halves (projections, token/position embeddings, an untied head) rounded to nearest even; norms and biases
 * as they are. A float64 reference built on these isolates the kernels' error from the rounding's.
 */
export function roundToStorage(w: ModelWeights, storage: WeightStorage): ModelWeights {
  if (storage === 'f32') return w;
  const r = (t: Tensor): Tensor => {
    const h = packHalves(t.data);
    return { shape: [...t.shape], data: Float32Array.from({ length: t.data.length }, (_, i) => halfToFloat(h[i])) };
  };
  const lin = <T extends { weight: Tensor }>(x: T): T => ({ ...x, weight: r(x.weight) });
  const embed = r(w.embed);
  return {
    embed,
    positions: w.positions ? r(w.positions) : undefined,
    finalNorm: w.finalNorm,
    lmHead: w.lmHead === w.embed ? embed : r(w.lmHead),
    layers: w.layers.map((l) => ({ ...l, q: lin(l.q), k: lin(l.k), v: lin(l.v), o: lin(l.o), gate: l.gate ? lin(l.gate) : undefined, up: lin(l.up), down: lin(l.down) })),
  };
}

/** Whether every matrix f16 storage would hold is within float16's range (|x| ≤ 65504 after rounding). */
export function fitsHalf(w: ModelWeights): boolean {
  const ok = (t: Tensor) => t.data.every((x) => !(Math.abs(x) >= 65520)); // 65520 and beyond round to ±∞
  return [w.embed, ...(w.positions ? [w.positions] : []), w.lmHead, ...w.layers.flatMap((l) => [l.q, l.k, l.v, l.o, l.up, l.down, ...(l.gate ? [l.gate] : [])].map((x) => x.weight))].every(ok);
}

const gains = new WeakMap<Tensor, Float64Array>();

/** A norm's gain as the model multiplies by it: the stored weight plus config.normOffset (Gemma's `1 + w`), exact in
 *  float64 for the reference; the GPU uploads it rounded to f32 once. */
export function normGain(cfg: Pick<ModelConfig, 'normOffset'>, t: Tensor): Float64Array {
  let g = gains.get(t);
  if (!g) {
    g = Float64Array.from(t.data, (w) => cfg.normOffset + w);
    gains.set(t, g);
  }
  return g;
}
