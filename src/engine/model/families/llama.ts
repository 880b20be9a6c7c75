// Llama / Qwen2 / Qwen3 checkpoints → canonical weights (nn.Linear tensors are already (out, in)).
// Qwen2: q/k/v biases, no o bias. Llama/Qwen3: biases on q, k, v and o only with attention_bias. Qwen3: q_norm and
// k_norm over head_dim. Tied embeddings: no lm_head.weight; the head is embed_tokens.
import type { ModelConfig } from '../config.ts';
import type { LayerWeights, ModelWeights } from '../weights.ts';
import type { TensorSource } from './source.ts';

/** The nn.Linear `name` of layer `prefix` (weight (out, in), bias (out) when the config has one). Gemma 3 shares it. */
export function linearOf(src: TensorSource, prefix: string) {
  return (name: string, out: number, inp: number, bias: boolean) => ({
    weight: src.get(`${prefix}${name}.weight`, [out, inp]),
    bias: bias ? src.get(`${prefix}${name}.bias`, [out]) : undefined,
  });
}

export function loadLlama(cfg: ModelConfig, src: TensorSource): ModelWeights {
  const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I } = cfg;
  const layers: LayerWeights[] = [];
  for (let i = 0; i < cfg.layers; i++) {
    const p = `model.layers.${i}.`;
    const lin = linearOf(src, p);
    layers.push({
      norm1: { weight: src.get(`${p}input_layernorm.weight`, [C]) },
      q: lin('self_attn.q_proj', H * hd, C, cfg.qkvBias),
      k: lin('self_attn.k_proj', KVH * hd, C, cfg.qkvBias),
      v: lin('self_attn.v_proj', KVH * hd, C, cfg.qkvBias),
      o: lin('self_attn.o_proj', C, H * hd, cfg.oBias),
      qNorm: cfg.qkNorm ? src.get(`${p}self_attn.q_norm.weight`, [hd]) : undefined,
      kNorm: cfg.qkNorm ? src.get(`${p}self_attn.k_norm.weight`, [hd]) : undefined,
      norm2: { weight: src.get(`${p}post_attention_layernorm.weight`, [C]) },
      gate: { weight: src.get(`${p}mlp.gate_proj.weight`, [I, C]) },
      up: { weight: src.get(`${p}mlp.up_proj.weight`, [I, C]) },
      down: { weight: src.get(`${p}mlp.down_proj.weight`, [C, I]) },
    });
  }
  const embed = src.get('model.embed_tokens.weight', [cfg.vocabSize, C]);
  // transformers ties the head when tie_word_embeddings is true, whatever the file holds.
  const lmHead = cfg.tiedEmbeddings ? embed : src.get('lm_head.weight', [cfg.vocabSize, C]);
  return { embed, layers, finalNorm: { weight: src.get('model.norm.weight', [C]) }, lmHead };
}
