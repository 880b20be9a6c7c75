import { describe, expect, it } from 'vitest';
import { parseModelConfig, prefixRowWidth, type ModelConfig } from '../../../src/engine/model/config.ts';
import { loadWeights } from '../../../src/engine/model/load-weights.ts';
import type { Tensor } from '../../../src/engine/model/weights.ts';
import type { ExtraInputs, TokenBatch } from '../../../src/engine/model/batch.ts';
import { referenceBackward, referenceForward } from '../../../src/engine/reference/decoder.ts';
import { Rng } from '../../../src/tuning/random.ts';

// The reference's analytic gradient against central finite differences, on tiny random models of every family
// feature: GPT-2, Llama GQA with llama3 RoPE scaling, Qwen2 biases, Qwen3 q/k norm with head_dim ≠ C/H, Gemma 3 (a
// sliding window shorter than the rows, so some keys fall out of it, local and linear-scaled global RoPE, post norms,
// GeGLU, query_pre_attn_scalar, scaled token embeddings).
function randomModel(raw: Record<string, unknown>, seed: number): { cfg: ModelConfig; names: Map<string, Tensor> } {
  const cfg = parseModelConfig(raw);
  const rng = new Rng(seed);
  const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V } = cfg;
  const names = new Map<string, Tensor>();
  const add = (name: string, shape: number[], scale = 0.3, ones = false) =>
    names.set(name, { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (ones ? 1 + 0.1 * rng.normal() : scale * rng.normal())) });
  if (cfg.family === 'gpt2') {
    add('wte.weight', [V, C]); add('wpe.weight', [cfg.maxPositions, C]); add('ln_f.weight', [C], 0, true); add('ln_f.bias', [C], 0.1);
    for (let i = 0; i < cfg.layers; i++) {
      add(`h.${i}.ln_1.weight`, [C], 0, true); add(`h.${i}.ln_1.bias`, [C], 0.1); add(`h.${i}.ln_2.weight`, [C], 0, true); add(`h.${i}.ln_2.bias`, [C], 0.1);
      add(`h.${i}.attn.c_attn.weight`, [C, 3 * C]); add(`h.${i}.attn.c_attn.bias`, [3 * C], 0.1);
      add(`h.${i}.attn.c_proj.weight`, [C, C]); add(`h.${i}.attn.c_proj.bias`, [C], 0.1);
      add(`h.${i}.mlp.c_fc.weight`, [C, I]); add(`h.${i}.mlp.c_fc.bias`, [I], 0.1); add(`h.${i}.mlp.c_proj.weight`, [I, C]); add(`h.${i}.mlp.c_proj.bias`, [C], 0.1);
    }
  } else {
    add('model.embed_tokens.weight', [V, C]); add('model.norm.weight', [C], 0, true);
    for (let i = 0; i < cfg.layers; i++) {
      const p = `model.layers.${i}.`;
      add(`${p}input_layernorm.weight`, [C], 0, true); add(`${p}post_attention_layernorm.weight`, [C], 0, true);
      add(`${p}self_attn.q_proj.weight`, [H * hd, C]); add(`${p}self_attn.k_proj.weight`, [KVH * hd, C]); add(`${p}self_attn.v_proj.weight`, [KVH * hd, C]);
      add(`${p}self_attn.o_proj.weight`, [C, H * hd]);
      if (cfg.qkvBias) { add(`${p}self_attn.q_proj.bias`, [H * hd], 0.1); add(`${p}self_attn.k_proj.bias`, [KVH * hd], 0.1); add(`${p}self_attn.v_proj.bias`, [KVH * hd], 0.1); }
      if (cfg.qkNorm) { add(`${p}self_attn.q_norm.weight`, [hd], 0, true); add(`${p}self_attn.k_norm.weight`, [hd], 0, true); }
      if (cfg.postNorms) { add(`${p}pre_feedforward_layernorm.weight`, [C], 0.2); add(`${p}post_feedforward_layernorm.weight`, [C], 0.2); }
      add(`${p}mlp.gate_proj.weight`, [I, C]); add(`${p}mlp.up_proj.weight`, [I, C]); add(`${p}mlp.down_proj.weight`, [C, I]);
    }
  }
  return { cfg, names };
}

const base = { vocab_size: 13, max_position_embeddings: 32, rms_norm_eps: 1e-6, rope_theta: 10000, num_hidden_layers: 2, tie_word_embeddings: true };
const models: Record<string, Record<string, unknown>> = {
  gpt2: { model_type: 'gpt2', n_embd: 8, n_head: 2, n_layer: 2, n_positions: 32, vocab_size: 13, layer_norm_epsilon: 1e-5 },
  'llama GQA + llama3 rope': { ...base, model_type: 'llama', hidden_size: 8, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 12,
    rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8 } },
  'qwen2 biases': { ...base, model_type: 'qwen2', hidden_size: 8, num_attention_heads: 2, num_key_value_heads: 1, intermediate_size: 12, rope_theta: 1e6 },
  'qwen3 q/k norm, head_dim ≠ C/H': { ...base, model_type: 'qwen3', hidden_size: 8, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 6, intermediate_size: 12 },
  'gemma3 sliding window 3, post norms, GeGLU': { ...base, model_type: 'gemma3_text', hidden_size: 8, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 6,
    intermediate_size: 12, query_pre_attn_scalar: 5, sliding_window: 3, layer_types: ['sliding_attention', 'full_attention'], rope_local_base_freq: 100,
    rope_scaling: { rope_type: 'linear', factor: 4 }, hidden_activation: 'gelu_pytorch_tanh' },
};

// Row 0: no padding, its first label scored from the last virtual token (prompt tuning). Row 1: left padding
// with a label on the first real token, so the last pad position (which sees only the virtual tokens or the
// prefix) is scored too.
const batch: TokenBatch = {
  rows: 2, columns: 5,
  inputIds: Int32Array.from([1, 2, 3, 4, 5, 0, 0, 6, 7, 8]),
  attentionMask: Uint8Array.from([1, 1, 1, 1, 1, 0, 0, 1, 1, 1]),
  labels: Int32Array.from([3, -100, 3, 4, 5, -100, -100, 6, 7, 8]),
};

describe('reference decoder: analytic gradient = central finite differences', () => {
  for (const [name, raw] of Object.entries(models)) {
    for (const method of ['prompt', 'prefix'] as const) {
      it(`${name}, ${method}`, () => {
        const { cfg, names } = randomModel(raw, 3);
        const w = loadWeights(cfg, (n) => names.get(n), [...names.keys()]);
        const P = 3;
        const rng = new Rng(5);
        const width = method === 'prompt' ? cfg.hidden : prefixRowWidth(cfg);
        const table = Float32Array.from({ length: P * width }, () => 0.5 * rng.normal());
        const extras = (t: Float32Array): ExtraInputs => (method === 'prompt' ? { promptEmbeds: t, virtualTokens: P } : { prefix: t, virtualTokens: P });
        const g = referenceBackward(referenceForward(cfg, w, batch, extras(table)).tape);
        const grad = g.promptEmbeds ?? g.prefix!;
        // Perturb in float64 through a Float64-backed copy: the reference reads the table as numbers.
        const loss = (t: Float64Array) => referenceForward(cfg, w, batch, extras(t as unknown as Float32Array)).loss;
        const t64 = Float64Array.from(table);
        let worst = 0;
        for (let i = 0; i < t64.length; i++) {
          const h = 1e-5;
          const orig = t64[i];
          t64[i] = orig + h;
          const up = loss(t64);
          t64[i] = orig - h;
          const down = loss(t64);
          t64[i] = orig;
          const numeric = (up - down) / (2 * h);
          worst = Math.max(worst, Math.abs(numeric - grad[i]) / (Math.abs(numeric) + Math.abs(grad[i]) + 1e-8));
        }
        expect(worst).toBeLessThan(1e-6);
      });
    }
  }
});
