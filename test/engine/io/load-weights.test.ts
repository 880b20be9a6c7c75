import { describe, expect, it } from 'vitest';
import { parseModelConfig, type ModelConfig } from '../../../src/engine/model/config.ts';
import { loadWeights } from '../../../src/engine/model/load-weights.ts';
import type { Tensor } from '../../../src/engine/model/weights.ts';

// Hub names → canonical layout: every canonical tensor is compared element by element with the checkpoint
// tensor it came from (GPT-2 Conv1D transposed, c_attn split), and every broken checkpoint gets a message that
// names the tensor and both shapes.

function filler(seed: number) {
  let s = seed;
  return (shape: number[]): Tensor => ({
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (s = (s * 48271) % 2147483647) / 2147483647 - 0.5),
  });
}

function gpt2Checkpoint(cfg: ModelConfig, prefix: string): Map<string, Tensor> {
  const t = filler(11);
  const { hidden: C, intermediate: I } = cfg;
  const m = new Map<string, Tensor>();
  m.set(`${prefix}wte.weight`, t([cfg.vocabSize, C]));
  m.set(`${prefix}wpe.weight`, t([cfg.maxPositions, C]));
  m.set(`${prefix}ln_f.weight`, t([C]));
  m.set(`${prefix}ln_f.bias`, t([C]));
  for (let i = 0; i < cfg.layers; i++) {
    const h = `${prefix}h.${i}.`;
    for (const n of ['ln_1', 'ln_2']) {
      m.set(`${h}${n}.weight`, t([C]));
      m.set(`${h}${n}.bias`, t([C]));
    }
    m.set(`${h}attn.c_attn.weight`, t([C, 3 * C]));
    m.set(`${h}attn.c_attn.bias`, t([3 * C]));
    m.set(`${h}attn.c_proj.weight`, t([C, C]));
    m.set(`${h}attn.c_proj.bias`, t([C]));
    m.set(`${h}mlp.c_fc.weight`, t([C, I]));
    m.set(`${h}mlp.c_fc.bias`, t([I]));
    m.set(`${h}mlp.c_proj.weight`, t([I, C]));
    m.set(`${h}mlp.c_proj.bias`, t([C]));
  }
  return m;
}

function llamaCheckpoint(cfg: ModelConfig, withHead: boolean): Map<string, Tensor> {
  const t = filler(5);
  const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V } = cfg;
  const m = new Map<string, Tensor>();
  m.set('model.embed_tokens.weight', t([V, C]));
  m.set('model.norm.weight', t([C]));
  if (withHead) m.set('lm_head.weight', t([V, C]));
  for (let i = 0; i < cfg.layers; i++) {
    const p = `model.layers.${i}.`;
    m.set(`${p}input_layernorm.weight`, t([C]));
    m.set(`${p}post_attention_layernorm.weight`, t([C]));
    for (const [n, out] of [['q', H * hd], ['k', KVH * hd], ['v', KVH * hd]] as const) {
      m.set(`${p}self_attn.${n}_proj.weight`, t([out, C]));
      if (cfg.qkvBias) m.set(`${p}self_attn.${n}_proj.bias`, t([out]));
    }
    m.set(`${p}self_attn.o_proj.weight`, t([C, H * hd]));
    if (cfg.oBias) m.set(`${p}self_attn.o_proj.bias`, t([C]));
    if (cfg.qkNorm) {
      m.set(`${p}self_attn.q_norm.weight`, t([hd]));
      m.set(`${p}self_attn.k_norm.weight`, t([hd]));
    }
    m.set(`${p}mlp.gate_proj.weight`, t([I, C]));
    m.set(`${p}mlp.up_proj.weight`, t([I, C]));
    m.set(`${p}mlp.down_proj.weight`, t([C, I]));
  }
  return m;
}

const load = (cfg: ModelConfig, m: Map<string, Tensor>) => loadWeights(cfg, (n) => m.get(n), [...m.keys()]);

/** out[o, i] must equal src[i, col0 + o] (Conv1D (in, out) columns → nn.Linear (out, in) rows). */
function expectTransposedColumns(out: Tensor, src: Tensor, col0: number) {
  const [O, In] = out.shape;
  const cols = src.shape[1];
  expect(src.shape[0]).toBe(In);
  for (let o = 0; o < O; o++)
    for (let i = 0; i < In; i++) if (out.data[o * In + i] !== src.data[i * cols + col0 + o]) expect.fail(`[${o}, ${i}] differs`);
}

const gpt2 = parseModelConfig({ model_type: 'gpt2', n_embd: 12, n_head: 3, n_layer: 2, n_positions: 9, vocab_size: 17, n_inner: 20 });

describe('GPT-2', () => {
  for (const prefix of ['transformer.', '']) {
    it(`names ${prefix ? 'with' : 'without'} "transformer.": transposed, split, tied, mask buffers ignored`, () => {
      const m = gpt2Checkpoint(gpt2, prefix);
      // Hub checkpoints such as the original `gpt2` carry causal-mask buffers; they are not weights.
      m.set(`${prefix}h.0.attn.bias`, { shape: [1, 1, 9, 9], data: new Float32Array(81) });
      m.set(`${prefix}h.1.attn.masked_bias`, { shape: [], data: new Float32Array(1) });
      const w = load(gpt2, m);
      const C = gpt2.hidden;
      expect(w.embed.data).toEqual(m.get(`${prefix}wte.weight`)!.data);
      expect(w.lmHead).toBe(w.embed);
      expect(w.positions!.shape).toEqual([9, C]);
      expect(w.finalNorm.bias!.data).toEqual(m.get(`${prefix}ln_f.bias`)!.data);
      for (let i = 0; i < gpt2.layers; i++) {
        const h = `${prefix}h.${i}.`;
        const L = w.layers[i];
        const cAttn = m.get(`${h}attn.c_attn.weight`)!;
        const bias = m.get(`${h}attn.c_attn.bias`)!.data;
        for (const [j, part] of [L.q, L.k, L.v].entries()) {
          expect(part.weight.shape).toEqual([C, C]);
          expectTransposedColumns(part.weight, cAttn, j * C);
          expect(part.bias!.data).toEqual(bias.slice(j * C, (j + 1) * C));
        }
        expect(L.o.weight.shape).toEqual([C, C]);
        expectTransposedColumns(L.o.weight, m.get(`${h}attn.c_proj.weight`)!, 0);
        expect(L.up.weight.shape).toEqual([20, C]);
        expectTransposedColumns(L.up.weight, m.get(`${h}mlp.c_fc.weight`)!, 0);
        expect(L.down.weight.shape).toEqual([C, 20]);
        expectTransposedColumns(L.down.weight, m.get(`${h}mlp.c_proj.weight`)!, 0);
        expect(L.gate).toBeUndefined();
        expect(L.norm1.bias!.data).toEqual(m.get(`${h}ln_1.bias`)!.data);
      }
    });
  }

  it('a missing tensor is named', () => {
    const m = gpt2Checkpoint(gpt2, 'transformer.');
    m.delete('transformer.h.1.mlp.c_fc.bias');
    expect(() => load(gpt2, m)).toThrow(/transformer\.h\.1\.mlp\.c_fc\.bias.*missing|missing.*transformer\.h\.1\.mlp\.c_fc\.bias/);
  });

  it('a wrong shape names the tensor, the expected and the actual shape', () => {
    const m = gpt2Checkpoint(gpt2, 'transformer.');
    m.set('transformer.h.0.attn.c_attn.weight', filler(1)([12, 24]));
    expect(() => load(gpt2, m)).toThrow(/transformer\.h\.0\.attn\.c_attn\.weight.*\[12, 24\].*\[12, 36\]/);
  });
});

const llamaBase = { hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 10, vocab_size: 11 };

describe('Llama / Qwen2 / Qwen3', () => {
  it('llama, untied: lm_head is its own tensor; no biases, no q/k norm', () => {
    const cfg = parseModelConfig({ ...llamaBase, model_type: 'llama', tie_word_embeddings: false });
    const m = llamaCheckpoint(cfg, true);
    const w = load(cfg, m);
    expect(w.lmHead).not.toBe(w.embed);
    expect(w.lmHead.data).toEqual(m.get('lm_head.weight')!.data);
    const L = w.layers[1];
    expect(L.k.weight.shape).toEqual([4, 8]); // GQA: KVH * hd = 2 * 2
    expect(L.k.weight.data).toEqual(m.get('model.layers.1.self_attn.k_proj.weight')!.data);
    expect(L.gate!.weight.data).toEqual(m.get('model.layers.1.mlp.gate_proj.weight')!.data);
    expect(L.q.bias ?? L.o.bias ?? L.qNorm).toBeUndefined();
    expect(w.positions).toBeUndefined();
  });

  it('llama, untied but lm_head missing: named', () => {
    const cfg = parseModelConfig({ ...llamaBase, model_type: 'llama', tie_word_embeddings: false });
    expect(() => load(cfg, llamaCheckpoint(cfg, false))).toThrow(/lm_head\.weight/);
  });

  it('llama with attention_bias: q, k, v and o biases', () => {
    const cfg = parseModelConfig({ ...llamaBase, model_type: 'llama', attention_bias: true });
    const m = llamaCheckpoint(cfg, false);
    const w = load(cfg, m);
    expect(w.lmHead).toBe(w.embed);
    expect(w.layers[0].o.bias!.data).toEqual(m.get('model.layers.0.self_attn.o_proj.bias')!.data);
    expect(w.layers[0].v.bias!.shape).toEqual([4]);
  });

  it('qwen2: q/k/v biases, none on o; a missing bias is named', () => {
    const cfg = parseModelConfig({ ...llamaBase, model_type: 'qwen2', tie_word_embeddings: true });
    const m = llamaCheckpoint(cfg, false);
    const w = load(cfg, m);
    expect(w.layers[1].q.bias!.data).toEqual(m.get('model.layers.1.self_attn.q_proj.bias')!.data);
    expect(w.layers[1].o.bias).toBeUndefined();
    m.delete('model.layers.1.self_attn.k_proj.bias');
    expect(() => load(cfg, m)).toThrow(/model\.layers\.1\.self_attn\.k_proj\.bias/);
  });

  it('qwen3: head_dim ≠ C/H shapes q/o, q_norm and k_norm over head_dim', () => {
    const cfg = parseModelConfig({ ...llamaBase, model_type: 'qwen3', head_dim: 6 });
    const m = llamaCheckpoint(cfg, false);
    const w = load(cfg, m);
    expect(w.layers[0].q.weight.shape).toEqual([24, 8]);
    expect(w.layers[0].o.weight.shape).toEqual([8, 24]);
    expect(w.layers[0].kNorm!.data).toEqual(m.get('model.layers.0.self_attn.k_norm.weight')!.data);
    // A checkpoint laid out for head_dim = C/H = 2 does not fit this config.
    m.set('model.layers.0.self_attn.q_proj.weight', filler(3)([8, 8]));
    expect(() => load(cfg, m)).toThrow(/q_proj\.weight.*\[8, 8\].*\[24, 8\]/);
  });
});
