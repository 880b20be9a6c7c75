// Gemma 3 text checkpoints (`gemma3_text`) → canonical weights. Same projection names as Llama, no biases unless
// attention_bias, q_norm/k_norm always, and four norms per layer: input (norm1), post-attention (on o_proj's output),
// pre-feedforward (norm2) and post-feedforward (on down_proj's output). Gemma's RMSNorm multiplies by (1 + w): the
// weights stay as stored and config.normOffset = 1 says so (weights.ts normGain). The head is the unscaled
// embedding table when tied; the √hidden input scale is config.embedScale, applied where tokens are embedded.
import type { ModelConfig } from '../config.ts';
import type { LayerWeights, ModelWeights } from '../weights.ts';
import type { TensorSource } from './source.ts';
import { linearOf } from './llama.ts';

export function loadGemma3(cfg: ModelConfig, src: TensorSource): ModelWeights {
  const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I } = cfg;
  const norm = (name: string, n: number) => src.get(name, [n]);
  const layers: LayerWeights[] = [];
  for (let i = 0; i < cfg.layers; i++) {
    const p = `model.layers.${i}.`;
    const lin = linearOf(src, p);
    layers.push({
      norm1: { weight: norm(`${p}input_layernorm.weight`, C) },
      q: lin('self_attn.q_proj', H * hd, C, cfg.qkvBias),
      k: lin('self_attn.k_proj', KVH * hd, C, cfg.qkvBias),
      v: lin('self_attn.v_proj', KVH * hd, C, cfg.qkvBias),
      o: lin('self_attn.o_proj', C, H * hd, cfg.oBias),
      qNorm: norm(`${p}self_attn.q_norm.weight`, hd),
      kNorm: norm(`${p}self_attn.k_norm.weight`, hd),
      postAttnNorm: { weight: norm(`${p}post_attention_layernorm.weight`, C) },
      norm2: { weight: norm(`${p}pre_feedforward_layernorm.weight`, C) },
      gate: { weight: src.get(`${p}mlp.gate_proj.weight`, [I, C]) },
      up: { weight: src.get(`${p}mlp.up_proj.weight`, [I, C]) },
      down: { weight: src.get(`${p}mlp.down_proj.weight`, [C, I]) },
      postMlpNorm: { weight: norm(`${p}post_feedforward_layernorm.weight`, C) },
    });
  }
  const embed = src.get('model.embed_tokens.weight', [cfg.vocabSize, C]);
  const lmHead = cfg.tiedEmbeddings ? embed : src.get('lm_head.weight', [cfg.vocabSize, C]);
  return { embed, layers, finalNorm: { weight: norm('model.norm.weight', C) }, lmHead };
}
