import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/engine/model/config.ts';
import { chooseWeightStorage, estimateGpuBytes, targetCapacity } from '../../../src/engine/model/memory.ts';
import { fitsHalf, roundToStorage } from '../../../src/engine/model/weights.ts';
import { GPT2_SMALL, randomWeights } from '../../browser/bench.ts';

// The studio's choice of weight storage (worker loadModel → session → chooseWeightStorage) and the memory estimate
// it reports: f16 for half checkpoints and for f32 weights over the buffer limits; f32 otherwise or out of f16 range.
const cap = { rows: 8, tokens: 256 };
const big = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 };
const small = { maxBufferSize: 2 ** 28, maxStorageBufferBindingSize: 128 * 2 ** 20 }; // WebGPU's default binding limit

describe('weight storage choice', () => {
  it('f16 for F16/BF16 checkpoints, f32 for F32 ones that fit', () => {
    expect(chooseWeightStorage(GPT2_SMALL, cap, big, { half: true, fitsHalf: true })).toBe('f16');
    expect(chooseWeightStorage(GPT2_SMALL, cap, big, { half: false, fitsHalf: true })).toBe('f32');
  });

  it('f16 when an f32 weight buffer exceeds the binding limit and the f16 one does not', () => {
    // A 128k-token vocabulary × 512 hidden: 256 MiB of f32 embeddings, 128 MiB as halves.
    const cfg = parseModelConfig({ model_type: 'llama', hidden_size: 512, intermediate_size: 1024, num_attention_heads: 8, num_key_value_heads: 8, num_hidden_layers: 2, vocab_size: 131072 - 64, max_position_embeddings: 512, tie_word_embeddings: true });
    const c = { rows: 1, tokens: 64 };
    expect(estimateGpuBytes(cfg, c, 'f32').largestBuffer).toBeGreaterThan(small.maxStorageBufferBindingSize);
    expect(estimateGpuBytes(cfg, c, 'f16').largestBuffer).toBeLessThanOrEqual(small.maxStorageBufferBindingSize);
    expect(chooseWeightStorage(cfg, c, small, { half: false, fitsHalf: true })).toBe('f16');
    expect(chooseWeightStorage(cfg, c, big, { half: false, fitsHalf: true })).toBe('f32');
  });

  it('f32 whenever a weight is beyond f16 range', () => {
    expect(chooseWeightStorage(GPT2_SMALL, cap, small, { half: true, fitsHalf: false })).toBe('f32');
    const cfg = parseModelConfig({ model_type: 'gpt2', n_embd: 16, n_head: 2, n_layer: 1, n_positions: 8, vocab_size: 10 });
    const w = randomWeights(cfg);
    expect(fitsHalf(w)).toBe(true);
    w.layers[0].down.weight.data[3] = 70000;
    expect(fitsHalf(w)).toBe(false);
  });

  it('the estimate halves the matrices only; roundToStorage rounds the same tensors', () => {
    const f32 = estimateGpuBytes(GPT2_SMALL, cap, 'f32').weights;
    const f16 = estimateGpuBytes(GPT2_SMALL, cap, 'f16').weights;
    expect(f16).toBeGreaterThan(0.5 * f32);
    expect(f16).toBeLessThan(0.501 * f32);
    const cfg = parseModelConfig({ model_type: 'gpt2', n_embd: 16, n_head: 2, n_layer: 1, n_positions: 8, vocab_size: 10 });
    const w = randomWeights(cfg);
    const r = roundToStorage(w, 'f16');
    expect(r.lmHead).toBe(r.embed); // tied stays tied
    expect(r.layers[0].q.weight.data).not.toEqual(w.layers[0].q.weight.data);
    expect(r.layers[0].norm1).toBe(w.layers[0].norm1); // norms and biases untouched
    expect(r.finalNorm).toBe(w.finalNorm);
  });
});

// gemma-3-270m's config: 262,144-token vocabulary, 18 layers, 4 heads of 256 on 1 kv head, MLP 2048, tied head.
describe('memory estimate for a large vocabulary (Gemma 3 270M)', () => {
  const gemma = parseModelConfig({
    model_type: 'gemma3_text', vocab_size: 262144, hidden_size: 640, num_hidden_layers: 18, num_attention_heads: 4, num_key_value_heads: 1, head_dim: 256,
    intermediate_size: 2048, query_pre_attn_scalar: 256, sliding_window: 512, max_position_embeddings: 32768, tie_word_embeddings: true,
  });
  it('weights: its 268,098,176 parameters as halves (norms f32); logits capped at 128 scored rows', () => {
    const est = estimateGpuBytes(gemma, cap, 'f16');
    const matrices = 262144 * 640 + 18 * (640 * 1024 + 2 * 640 * 256 + 1024 * 640 + 3 * 640 * 2048);
    const norms = 18 * (4 * 640 + 2 * 256) + 640;
    expect(matrices + norms).toBe(268_098_176);
    expect(est.weights).toBe(2 * matrices + 4 * norms);
    expect(targetCapacity(gemma, cap)).toBe(128);
    expect(targetCapacity(gemma, { rows: 1, tokens: 32 })).toBe(32);
    // The logits and their read-back at 128 rows: 256 MiB, counted; the rest of the activations for 8 × 256 tokens.
    expect(est.activations).toBeGreaterThan(2 * 128 * 262144 * 4);
    expect(est.largestBuffer).toBe(2 * 262144 * 640);
  });
});
