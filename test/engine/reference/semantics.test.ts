import { describe, expect, it } from 'vitest';
import { parseModelConfig, prefixRowWidth, type ModelConfig } from '../../../src/engine/model/config.ts';
import { loadWeights } from '../../../src/engine/model/load-weights.ts';
import type { ModelWeights, Tensor } from '../../../src/engine/model/weights.ts';
import { IGNORE_INDEX, padBatch, type TokenBatch } from '../../../src/engine/model/batch.ts';
import { referenceForward } from '../../../src/engine/reference/decoder.ts';

// PEFT semantics checked by identities that need no fixture (fixtures README, "Prompt tuning", "Prefix tuning",
// "Padding", "Loss"), on tiny random models of every family feature:
// - a soft prompt made of the embedding rows of tokens x is the plain model run on [x, input] (positions 0..P+T-1);
// - a prefix made of the keys/values the plain model computes for x (after RoPE and k_norm, as the cache holds them)
//   is the plain model run on [x, input] (positions P..P+T-1, no RoPE/norm/bias applied again);
// - right padding does not change a row's real logits;
// - the loss is the mean over every scored token of the batch, not a mean of row means.
// Letters: P virtual tokens, T tokens, S sequence, C hidden, V vocab, KVH kv heads, hd head dim.

function tinyModel(raw: Record<string, unknown>, seed: number): { cfg: ModelConfig; w: ModelWeights } {
  const cfg = parseModelConfig(raw);
  let s = seed;
  const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647 - 0.5) * 0.8;
  const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V } = cfg;
  const m = new Map<string, Tensor>();
  const add = (name: string, shape: number[], around = 0) =>
    m.set(name, { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => around + rnd()) });
  if (cfg.family === 'gpt2') {
    add('wte.weight', [V, C]); add('wpe.weight', [cfg.maxPositions, C]); add('ln_f.weight', [C], 1); add('ln_f.bias', [C]);
    for (let i = 0; i < cfg.layers; i++) {
      const h = `h.${i}.`;
      add(`${h}ln_1.weight`, [C], 1); add(`${h}ln_1.bias`, [C]); add(`${h}ln_2.weight`, [C], 1); add(`${h}ln_2.bias`, [C]);
      add(`${h}attn.c_attn.weight`, [C, 3 * C]); add(`${h}attn.c_attn.bias`, [3 * C]);
      add(`${h}attn.c_proj.weight`, [C, C]); add(`${h}attn.c_proj.bias`, [C]);
      add(`${h}mlp.c_fc.weight`, [C, I]); add(`${h}mlp.c_fc.bias`, [I]); add(`${h}mlp.c_proj.weight`, [I, C]); add(`${h}mlp.c_proj.bias`, [C]);
    }
  } else {
    add('model.embed_tokens.weight', [V, C]); add('model.norm.weight', [C], 1);
    if (!cfg.tiedEmbeddings) add('lm_head.weight', [V, C]);
    for (let i = 0; i < cfg.layers; i++) {
      const p = `model.layers.${i}.`;
      add(`${p}input_layernorm.weight`, [C], 1); add(`${p}post_attention_layernorm.weight`, [C], 1);
      for (const [n, out] of [['q', H * hd], ['k', KVH * hd], ['v', KVH * hd]] as const) {
        add(`${p}self_attn.${n}_proj.weight`, [out, C]);
        if (cfg.qkvBias) add(`${p}self_attn.${n}_proj.bias`, [out]);
      }
      add(`${p}self_attn.o_proj.weight`, [C, H * hd]);
      if (cfg.oBias) add(`${p}self_attn.o_proj.bias`, [C]);
      if (cfg.qkNorm) { add(`${p}self_attn.q_norm.weight`, [hd], 1); add(`${p}self_attn.k_norm.weight`, [hd], 1); }
      add(`${p}mlp.gate_proj.weight`, [I, C]); add(`${p}mlp.up_proj.weight`, [I, C]); add(`${p}mlp.down_proj.weight`, [C, I]);
    }
  }
  return { cfg, w: loadWeights(cfg, (n) => m.get(n), [...m.keys()]) };
}

const common = { vocab_size: 19, max_position_embeddings: 64, num_hidden_layers: 2, rope_theta: 10000 };
const families: Record<string, Record<string, unknown>> = {
  gpt2: { model_type: 'gpt2', n_embd: 8, n_head: 2, n_layer: 2, n_positions: 64, vocab_size: 19 },
  'llama GQA, untied, llama3 rope': { ...common, model_type: 'llama', hidden_size: 8, num_attention_heads: 4, num_key_value_heads: 2,
    intermediate_size: 12, tie_word_embeddings: false,
    rope_scaling: { rope_type: 'llama3', factor: 4, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 } },
  'qwen2 biases': { ...common, model_type: 'qwen2', hidden_size: 8, num_attention_heads: 2, num_key_value_heads: 1, intermediate_size: 12, rope_theta: 1e6 },
  'qwen3 q/k norm, head_dim 6': { ...common, model_type: 'qwen3', hidden_size: 8, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 6, intermediate_size: 12 },
};

const x = [3, 14, 7]; // the tokens the soft prompt / prefix stands for (P = 3)
const input = [5, 1, 9, 12, 2, 18]; // T = 6

const single = (tokens: number[], labels?: number[]): TokenBatch => padBatch([tokens], [labels ?? tokens.map(() => IGNORE_INDEX)], 0, 'right');

function maxDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('reference decoder: PEFT identities', () => {
  for (const [name, raw] of Object.entries(families)) {
    const { cfg, w } = tinyModel(raw, 17);
    const V = cfg.vocabSize;
    const C = cfg.hidden;
    const P = x.length;
    const T = input.length;
    const plain = referenceForward(cfg, w, single([...x, ...input]), {}, { logits: true });
    const plainLogits = plain.logits!; // (1, P+T, V)

    it(`${name}: a prompt of embedding rows = the plain model on [x, input]`, () => {
      const prompt = new Float32Array(P * C);
      x.forEach((id, p) => prompt.set(w.embed.data.subarray(id * C, (id + 1) * C), p * C));
      const got = referenceForward(cfg, w, single(input), { promptEmbeds: prompt, virtualTokens: P }, { logits: true });
      expect(got.tape.S).toBe(P + T);
      expect(maxDiff(got.logits!, plainLogits)).toBeLessThan(1e-12);
    });

    it(`${name}: a prefix of the cached keys/values of x = the plain model on [x, input]`, () => {
      const { kvHeads: KVH, headDim: hd } = cfg;
      const width = prefixRowWidth(cfg);
      // Kept in float64 (the decoder reads the table as numbers): rounding the keys to f32 would break exactness.
      const f64 = new Float64Array(P * width);
      for (let l = 0; l < cfg.layers; l++)
        for (const [kv, src] of [plain.tape.layers[l].k, plain.tape.layers[l].v].entries())
          for (let p = 0; p < P; p++)
            for (let j = 0; j < KVH * hd; j++) f64[p * width + (l * 2 + kv) * KVH * hd + j] = src[p * KVH * hd + j];
      const got = referenceForward(cfg, w, single(input), { prefix: f64 as unknown as Float32Array, virtualTokens: P }, { logits: true });
      expect(got.tape.S).toBe(T);
      expect(maxDiff(got.logits!, plainLogits.subarray(P * V))).toBeLessThan(1e-12);
      // Sanity: the layout matters (swapping keys and values of layer 0 changes the output).
      const swapped = f64.slice();
      for (let p = 0; p < P; p++)
        for (let j = 0; j < KVH * hd; j++) [swapped[p * width + j], swapped[p * width + KVH * hd + j]] = [f64[p * width + KVH * hd + j], f64[p * width + j]];
      const off = referenceForward(cfg, w, single(input), { prefix: swapped as unknown as Float32Array, virtualTokens: P }, { logits: true });
      expect(maxDiff(off.logits!, plainLogits.subarray(P * V))).toBeGreaterThan(1e-6);
    });

    it(`${name}: right padding leaves each row's real logits unchanged; loss is the mean over all scored tokens`, () => {
      const rows = [input, input.slice(0, 3), [4, 8]];
      const labels = [input.map((t, i) => (i >= 2 ? t : IGNORE_INDEX)), [IGNORE_INDEX, 11, 6], [4, 8]];
      const prompt = Float32Array.from({ length: P * C }, (_, i) => Math.sin(i + 1) * 0.5);
      const extras = { promptEmbeds: prompt, virtualTokens: P };
      const batch = padBatch(rows, labels, 0, 'right');
      const all = referenceForward(cfg, w, batch, extras, { logits: true });
      const S = P + T;
      let sum = 0;
      let count = 0;
      rows.forEach((r, b) => {
        const alone = referenceForward(cfg, w, single(r, labels[b]), extras, { logits: true });
        const n = P + r.length;
        expect(maxDiff(all.logits!.subarray(b * S * V, (b * S + n) * V), alone.logits!)).toBeLessThan(1e-12);
        expect(Math.abs(all.rowLogProb[b] - alone.rowLogProb[0])).toBeLessThan(1e-12);
        sum += alone.loss * alone.targets;
        count += alone.targets;
      });
      expect(all.targets).toBe(count);
      expect(Math.abs(all.loss - sum / count)).toBeLessThan(1e-12);
    });
  }
});
