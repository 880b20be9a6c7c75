// Hub checkpoints the studio is known to load, with their exact `config.json` (as published on the Hub) and
// tensor layout (names, shapes, dtype, sharding). Three readers: the model picker (size, memory need, fits this
// device), tools/real-shapes (writes true-size checkpoints with these configs and seeded random weights for the
// local Hub used by the bench and the e2e test), and the bench itself.

export interface KnownCheckpoint {
  /** Hub id, e.g. "HuggingFaceTB/SmolLM2-135M". */
  id: string;
  /** One line for the picker. */
  note: string;
  config: Record<string, unknown>;
  /** The Hub stores lm_head.weight even though tie_word_embeddings is true (Qwen3-0.6B's file does). */
  storesTiedHead?: boolean;
  /** Largest shard in bytes before a new one starts (transformers' max_shard_size); undefined: one file. */
  maxShardBytes?: number;
}

export interface TensorLayout {
  name: string;
  shape: number[];
  /** What the tensor holds, for seeded random filling: matrices N(0, σ), norm gains, biases. */
  kind: 'matrix' | 'norm' | 'bias';
}

const llamaBase = {
  architectures: ['LlamaForCausalLM'],
  attention_bias: false,
  attention_dropout: 0.0,
  hidden_act: 'silu',
  mlp_bias: false,
  model_type: 'llama',
  pretraining_tp: 1,
  rope_scaling: null,
  use_cache: true,
};

const gemmaLayerTypes = Array.from({ length: 18 }, (_, i) => ((i + 1) % 6 === 0 ? 'full_attention' : 'sliding_attention'));

export const KNOWN_CHECKPOINTS: readonly KnownCheckpoint[] = [
  {
    id: 'HuggingFaceTB/SmolLM2-135M',
    note: 'Llama layout, 30 layers, GQA 9/3, tied head',
    config: {
      ...llamaBase,
      bos_token_id: 0,
      eos_token_id: 0,
      hidden_size: 576,
      initializer_range: 0.041666666666666664,
      intermediate_size: 1536,
      is_llama_config: true,
      max_position_embeddings: 8192,
      num_attention_heads: 9,
      num_hidden_layers: 30,
      num_key_value_heads: 3,
      rms_norm_eps: 1e-5,
      rope_interleaved: false,
      rope_theta: 100000,
      tie_word_embeddings: true,
      torch_dtype: 'bfloat16',
      transformers_version: '4.40.1',
      vocab_size: 49152,
    },
  },
  {
    id: 'HuggingFaceTB/SmolLM2-360M',
    note: 'Llama layout, 32 layers, GQA 15/5, tied head',
    config: {
      ...llamaBase,
      bos_token_id: 0,
      eos_token_id: 0,
      hidden_size: 960,
      initializer_range: 0.02,
      intermediate_size: 2560,
      is_llama_config: true,
      max_position_embeddings: 8192,
      num_attention_heads: 15,
      num_hidden_layers: 32,
      num_key_value_heads: 5,
      rms_norm_eps: 1e-5,
      rope_interleaved: false,
      rope_theta: 100000,
      tie_word_embeddings: true,
      torch_dtype: 'bfloat16',
      transformers_version: '4.40.1',
      vocab_size: 49152,
    },
  },
  {
    id: 'Qwen/Qwen2.5-0.5B',
    note: 'Qwen2, q/k/v biases, GQA 14/2, tied head, 151,936-token vocabulary',
    config: {
      architectures: ['Qwen2ForCausalLM'],
      attention_dropout: 0.0,
      bos_token_id: 151643,
      eos_token_id: 151643,
      hidden_act: 'silu',
      hidden_size: 896,
      initializer_range: 0.02,
      intermediate_size: 4864,
      max_position_embeddings: 32768,
      max_window_layers: 24,
      model_type: 'qwen2',
      num_attention_heads: 14,
      num_hidden_layers: 24,
      num_key_value_heads: 2,
      rms_norm_eps: 1e-6,
      rope_theta: 1000000.0,
      sliding_window: 32768,
      tie_word_embeddings: true,
      torch_dtype: 'bfloat16',
      transformers_version: '4.40.1',
      use_cache: true,
      use_mrope: false,
      use_sliding_window: false,
      vocab_size: 151936,
    },
  },
  {
    id: 'Qwen/Qwen3-0.6B',
    note: 'Qwen3, q/k norms, head_dim 128, GQA 16/8, tied head',
    storesTiedHead: true,
    config: {
      architectures: ['Qwen3ForCausalLM'],
      attention_bias: false,
      attention_dropout: 0.0,
      bos_token_id: 151643,
      eos_token_id: 151645,
      head_dim: 128,
      hidden_act: 'silu',
      hidden_size: 1024,
      initializer_range: 0.02,
      intermediate_size: 3072,
      max_position_embeddings: 40960,
      max_window_layers: 28,
      model_type: 'qwen3',
      num_attention_heads: 16,
      num_hidden_layers: 28,
      num_key_value_heads: 8,
      rms_norm_eps: 1e-6,
      rope_scaling: null,
      rope_theta: 1000000,
      sliding_window: null,
      tie_word_embeddings: true,
      torch_dtype: 'bfloat16',
      transformers_version: '4.51.0',
      use_cache: true,
      use_sliding_window: false,
      vocab_size: 151936,
    },
  },
  {
    id: 'google/gemma-3-270m',
    note: 'Gemma 3 text, 262,144-token vocabulary, sliding-window layers, MQA',
    config: {
      _sliding_window_pattern: 6,
      architectures: ['Gemma3ForCausalLM'],
      attention_bias: false,
      attention_dropout: 0.0,
      attn_logit_softcapping: null,
      bos_token_id: 2,
      eos_token_id: 1,
      final_logit_softcapping: null,
      head_dim: 256,
      hidden_activation: 'gelu_pytorch_tanh',
      hidden_size: 640,
      initializer_range: 0.02,
      intermediate_size: 2048,
      layer_types: gemmaLayerTypes,
      max_position_embeddings: 32768,
      model_type: 'gemma3_text',
      num_attention_heads: 4,
      num_hidden_layers: 18,
      num_key_value_heads: 1,
      pad_token_id: 0,
      query_pre_attn_scalar: 256,
      rms_norm_eps: 1e-6,
      rope_local_base_freq: 10000.0,
      rope_scaling: null,
      rope_theta: 1000000.0,
      sliding_window: 512,
      torch_dtype: 'bfloat16',
      transformers_version: '4.55.0.dev0',
      use_bidirectional_attention: false,
      use_cache: true,
      vocab_size: 262144,
    },
  },
  {
    id: 'TinyLlama/TinyLlama-1.1B-Chat-v1.0',
    note: 'Llama 2 layout, 22 layers, GQA 32/4, untied head; sharded',
    maxShardBytes: 1_000_000_000,
    config: {
      ...llamaBase,
      bos_token_id: 1,
      eos_token_id: 2,
      hidden_size: 2048,
      initializer_range: 0.02,
      intermediate_size: 5632,
      max_position_embeddings: 2048,
      num_attention_heads: 32,
      num_hidden_layers: 22,
      num_key_value_heads: 4,
      rms_norm_eps: 1e-5,
      rope_theta: 10000.0,
      tie_word_embeddings: false,
      torch_dtype: 'bfloat16',
      transformers_version: '4.35.0',
      vocab_size: 32000,
    },
  },
];

export function knownCheckpoint(id: string): KnownCheckpoint | undefined {
  return KNOWN_CHECKPOINTS.find((k) => k.id === id);
}

const n = (c: Record<string, unknown>, k: string) => c[k] as number;

/** Tensors in the order transformers' state_dict lists them (module order): how save_pretrained fills shards. */
export function tensorLayout(k: KnownCheckpoint): TensorLayout[] {
  const c = k.config;
  const C = n(c, 'hidden_size');
  const H = n(c, 'num_attention_heads');
  const KVH = n(c, 'num_key_value_heads');
  const hd = typeof c.head_dim === 'number' ? c.head_dim : C / H;
  const I = n(c, 'intermediate_size');
  const V = n(c, 'vocab_size');
  const type = c.model_type;
  const qkvBias = type === 'qwen2' || c.attention_bias === true;
  const qkNorm = type === 'qwen3' || type === 'gemma3_text';
  const out: TensorLayout[] = [{ name: 'model.embed_tokens.weight', shape: [V, C], kind: 'matrix' }];
  for (let l = 0; l < n(c, 'num_hidden_layers'); l++) {
    const p = `model.layers.${l}.`;
    const lin = (name: string, o: number, i: number, bias: boolean) => {
      out.push({ name: `${p}${name}.weight`, shape: [o, i], kind: 'matrix' });
      if (bias) out.push({ name: `${p}${name}.bias`, shape: [o], kind: 'bias' });
    };
    lin('self_attn.q_proj', H * hd, C, qkvBias);
    lin('self_attn.k_proj', KVH * hd, C, qkvBias);
    lin('self_attn.v_proj', KVH * hd, C, qkvBias);
    lin('self_attn.o_proj', C, H * hd, c.attention_bias === true);
    if (qkNorm) {
      out.push({ name: `${p}self_attn.q_norm.weight`, shape: [hd], kind: 'norm' });
      out.push({ name: `${p}self_attn.k_norm.weight`, shape: [hd], kind: 'norm' });
    }
    lin('mlp.gate_proj', I, C, false);
    lin('mlp.up_proj', I, C, false);
    lin('mlp.down_proj', C, I, false);
    out.push({ name: `${p}input_layernorm.weight`, shape: [C], kind: 'norm' });
    out.push({ name: `${p}post_attention_layernorm.weight`, shape: [C], kind: 'norm' });
    if (type === 'gemma3_text') {
      out.push({ name: `${p}pre_feedforward_layernorm.weight`, shape: [C], kind: 'norm' });
      out.push({ name: `${p}post_feedforward_layernorm.weight`, shape: [C], kind: 'norm' });
    }
  }
  out.push({ name: 'model.norm.weight', shape: [C], kind: 'norm' });
  if (c.tie_word_embeddings === false || k.storesTiedHead) out.push({ name: 'lm_head.weight', shape: [V, C], kind: 'matrix' });
  return out;
}

/** BF16 bytes of every tensor: the checkpoint's download size (headers aside). */
export function checkpointBytes(k: KnownCheckpoint): number {
  return tensorLayout(k).reduce((a, t) => a + 2 * t.shape.reduce((x, d) => x * d, 1), 0);
}

/** Parameters as the Hub counts them (a stored tied head counted once). */
export function checkpointParameters(k: KnownCheckpoint): number {
  return tensorLayout(k)
    .filter((t) => !(k.storesTiedHead && t.name === 'lm_head.weight'))
    .reduce((a, t) => a + t.shape.reduce((x, d) => x * d, 1), 0);
}

/** Shard files as save_pretrained names them: model.safetensors, or model-0000i-of-0000n.safetensors. */
export function shardPlan(k: KnownCheckpoint): { file: string; tensors: TensorLayout[] }[] {
  const layout = tensorLayout(k);
  if (!k.maxShardBytes) return [{ file: 'model.safetensors', tensors: layout }];
  const groups: TensorLayout[][] = [[]];
  let size = 0;
  for (const t of layout) {
    const bytes = 2 * t.shape.reduce((x, d) => x * d, 1);
    if (size + bytes > k.maxShardBytes && groups[groups.length - 1].length > 0) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1].push(t);
    size += bytes;
  }
  const pad = (i: number) => String(i).padStart(5, '0');
  return groups.map((tensors, i) => ({ file: `model-${pad(i + 1)}-of-${pad(groups.length)}.safetensors`, tensors }));
}
