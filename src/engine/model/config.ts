// One normalised description of a decoder-only causal LM, read from a Hugging Face `config.json` the way
// transformers reads it (see ../shared/fixtures/README.md, "config.json"). Every later layer (kernels, the
// float64 reference, tuning methods) sees only this shape, never the raw JSON.

export type ModelFamily = 'gpt2' | 'llama' | 'qwen2' | 'qwen3' | 'gemma3';
export const SUPPORTED_FAMILIES: readonly ModelFamily[] = ['gpt2', 'llama', 'qwen2', 'qwen3', 'gemma3'];
/** The `model_type` values read (Gemma 3's text-only checkpoints say `gemma3_text`). */
export const SUPPORTED_MODEL_TYPES: readonly string[] = ['gpt2', 'llama', 'qwen2', 'qwen3', 'gemma3_text'];

/** RoPE frequency scaling as transformers applies it at load (`_compute_llama3_parameters`). */
export type RopeScaling =
  | { type: 'none' }
  | { type: 'linear'; factor: number } // inv_freq / factor (Gemma 3's full-attention layers)
  | {
      type: 'llama3';
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositions: number;
    };

export interface ModelConfig {
  family: ModelFamily;
  vocabSize: number; // V
  hidden: number; // C, the residual width
  layers: number; // L
  heads: number; // H, query heads
  kvHeads: number; // KVH; H % KVH == 0 (GQA/MQA when smaller than H)
  headDim: number; // hd; Qwen3 may set it != C / H
  intermediate: number; // I, MLP width
  maxPositions: number; // positions the model was trained for (GPT-2: size of wpe)
  normEps: number;
  norm: 'layernorm' | 'rmsnorm';
  /** Norms multiply by (normOffset + w): 1 for Gemma, whose checkpoints store the gain as an offset; else 0. */
  normOffset: number;
  // gelu_new: GPT-2's gelu(up); swiglu: silu(gate)·up; geglu: gelu_tanh(gate)·up (Gemma's gelu_pytorch_tanh)
  mlp: 'gelu_new' | 'swiglu' | 'geglu';
  positions: 'learned' | 'rope';
  ropeTheta: number; // unused for learned positions
  ropeScaling: RopeScaling;
  /** RoPE base of sliding-window layers (Gemma 3's rope_local_base_freq, never scaled); null: one RoPE for all. */
  localRopeTheta: number | null;
  /** Per layer: how many keys a query may read counting itself (Gemma 3 sliding_attention), 0 for full attention. */
  layerWindows: number[];
  /** Attention scores are q·k × attnScale: 1/√head_dim, or Gemma 3's query_pre_attn_scalar^-½. */
  attnScale: number;
  /** Token embeddings entering layer 0 are multiplied by this (Gemma: √hidden); virtual tokens and the tied head never are. */
  embedScale: number;
  /** Gemma 3's extra norms on each sublayer's output before its residual add (post-attention, post-feedforward). */
  postNorms: boolean;
  qkvBias: boolean; // Qwen2 always; Llama/Qwen3 when attention_bias
  oBias: boolean; // GPT-2 always; Llama/Qwen3 when attention_bias
  mlpBias: boolean; // GPT-2 c_fc/c_proj biases
  qkNorm: boolean; // Qwen3 q_norm / k_norm over head_dim
  tiedEmbeddings: boolean; // logits use the token embedding table
  bosTokenId: number | null;
  eosTokenId: number | null;
  padTokenId: number | null;
  /** dtype the checkpoint was saved in (informational; the loader reads each tensor's own dtype). */
  torchDtype: string | null;
}

export class UnsupportedModelError extends Error {
  constructor(modelType: unknown) {
    super(
      `model_type "${String(modelType)}" is not supported. Supported families: ` +
        `${SUPPORTED_MODEL_TYPES.join(', ')} (GPT-2 / DistilGPT-2, Llama / SmolLM2 / TinyLlama, Qwen2 / Qwen2.5, Qwen3, Gemma 3 text). ` +
        `Pick a model of one of these families.`,
    );
    this.name = 'UnsupportedModelError';
  }
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Json = Record<string, unknown>;

function num(cfg: Json, key: string, fallback?: number): number {
  const v = cfg[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  throw new ConfigError(`config.json: "${key}" must be a number (got ${JSON.stringify(v)})`);
}

function optId(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return null;
}

function parseRope(cfg: Json, params: Json | null = (cfg.rope_parameters ?? null) as Json | null, defaultTheta = 10000): { theta: number; scaling: RopeScaling } {
  // transformers v5 writes `rope_parameters: {rope_type, rope_theta, ...}`; older configs use
  // `rope_theta` + `rope_scaling`. Both mean the same thing.
  const scaling = (params ?? cfg.rope_scaling ?? null) as Json | null;
  const theta =
    params && typeof params.rope_theta === 'number' ? params.rope_theta : num(cfg, 'rope_theta', defaultTheta);
  const type = scaling ? (scaling.rope_type ?? scaling.type ?? 'default') : 'default';
  if (type === 'default' || type === null) return { theta, scaling: { type: 'none' } };
  if (type === 'linear' && scaling) return { theta, scaling: { type: 'linear', factor: num(scaling, 'factor') } };
  if (type === 'llama3' && scaling) {
    return {
      theta,
      scaling: {
        type: 'llama3',
        factor: num(scaling, 'factor'),
        lowFreqFactor: num(scaling, 'low_freq_factor'),
        highFreqFactor: num(scaling, 'high_freq_factor'),
        originalMaxPositions: num(scaling, 'original_max_position_embeddings'),
      },
    };
  }
  throw new ConfigError(`rope scaling type "${String(type)}" is not supported (supported: none, linear, llama3)`);
}

/** Defaults of the fields only some families set. */
function plainAttention(layers: number, headDim: number) {
  return { normOffset: 0, localRopeTheta: null, layerWindows: new Array<number>(layers).fill(0), attnScale: 1 / Math.sqrt(headDim), embedScale: 1, postNorms: false };
}

/** Gemma 3 text (fixtures README, "Gemma 3 text"): which layers slide, their window and RoPE, the attention scale. */
function parseGemma3(cfg: Json, ids: Pick<ModelConfig, 'bosTokenId' | 'eosTokenId' | 'padTokenId' | 'torchDtype'>): ModelConfig {
  for (const key of ['attn_logit_softcapping', 'final_logit_softcapping'])
    if (cfg[key] !== undefined && cfg[key] !== null)
      throw new ConfigError(`config.json: "${key}" = ${JSON.stringify(cfg[key])} is not supported yet (Gemma 3 checkpoints leave it null)`);
  if (cfg.use_bidirectional_attention === true) throw new ConfigError('config.json: use_bidirectional_attention (an embedding-model option) is not supported: this studio tunes causal LMs');
  const act = cfg.hidden_activation ?? cfg.hidden_act ?? 'gelu_pytorch_tanh';
  if (act !== 'gelu_pytorch_tanh') throw new ConfigError(`hidden_activation "${String(act)}" is not supported for Gemma 3 (only gelu_pytorch_tanh)`);
  const hidden = num(cfg, 'hidden_size');
  const heads = num(cfg, 'num_attention_heads');
  const kvHeads = num(cfg, 'num_key_value_heads', heads);
  if (heads % kvHeads !== 0) throw new ConfigError(`num_attention_heads=${heads} must be a multiple of num_key_value_heads=${kvHeads}`);
  const headDim = num(cfg, 'head_dim', 256);
  if (headDim % 2 !== 0) throw new ConfigError(`head_dim=${headDim} must be even for RoPE`);
  const layers = num(cfg, 'num_hidden_layers');
  // An explicit layer_types wins; else every sliding_window_pattern-th layer is full (transformers' rule).
  let types = cfg.layer_types as unknown;
  if (types === undefined || types === null) {
    const pattern = num(cfg, 'sliding_window_pattern', 6);
    types = Array.from({ length: layers }, (_, i) => ((i + 1) % pattern === 0 ? 'full_attention' : 'sliding_attention'));
  }
  if (!Array.isArray(types) || types.length !== layers || types.some((t) => t !== 'full_attention' && t !== 'sliding_attention'))
    throw new ConfigError(`config.json: "layer_types" must list "full_attention" or "sliding_attention" for each of the ${layers} layers`);
  const window = num(cfg, 'sliding_window', 4096);
  if (!(Number.isInteger(window) && window >= 1)) throw new ConfigError(`config.json: "sliding_window" must be a positive integer (got ${window})`);
  // v5 configs nest one rope_parameters entry per layer type; older ones use rope_theta/rope_scaling (full layers)
  // and rope_local_base_freq (sliding layers, never scaled).
  const nested = (cfg.rope_parameters ?? null) as Json | null;
  const full = parseRope(cfg, (nested?.full_attention ?? null) as Json | null, 1e6);
  const localParams = (nested?.sliding_attention ?? null) as Json | null;
  const localTheta = localParams && typeof localParams.rope_theta === 'number' ? localParams.rope_theta : num(cfg, 'rope_local_base_freq', 10000);
  const attentionBias = cfg.attention_bias === true;
  return {
    family: 'gemma3',
    vocabSize: num(cfg, 'vocab_size'),
    hidden,
    layers,
    heads,
    kvHeads,
    headDim,
    intermediate: num(cfg, 'intermediate_size'),
    maxPositions: num(cfg, 'max_position_embeddings', 32768),
    normEps: num(cfg, 'rms_norm_eps', 1e-6),
    norm: 'rmsnorm',
    normOffset: 1,
    mlp: 'geglu',
    positions: 'rope',
    ropeTheta: full.theta,
    ropeScaling: full.scaling,
    localRopeTheta: localTheta,
    layerWindows: (types as string[]).map((t) => (t === 'sliding_attention' ? window : 0)),
    attnScale: Math.pow(num(cfg, 'query_pre_attn_scalar', headDim), -0.5),
    embedScale: Math.sqrt(hidden),
    postNorms: true,
    qkvBias: attentionBias,
    oBias: attentionBias,
    mlpBias: false,
    qkNorm: true,
    tiedEmbeddings: cfg.tie_word_embeddings !== false,
    ...ids,
  };
}

/** Reads a Hugging Face `config.json` object into a ModelConfig, or throws a message that says what to do. */
export function parseModelConfig(raw: unknown): ModelConfig {
  if (typeof raw !== 'object' || raw === null) throw new ConfigError('config.json is not a JSON object');
  const cfg = raw as Json;
  const type = cfg.model_type;
  const ids = {
    bosTokenId: optId(cfg.bos_token_id),
    eosTokenId: optId(cfg.eos_token_id),
    padTokenId: optId(cfg.pad_token_id),
    torchDtype: typeof cfg.torch_dtype === 'string' ? cfg.torch_dtype : typeof cfg.dtype === 'string' ? cfg.dtype : null,
  };
  if (type === 'gpt2') {
    const hidden = num(cfg, 'n_embd');
    const heads = num(cfg, 'n_head');
    if (hidden % heads !== 0) throw new ConfigError(`n_embd=${hidden} must be divisible by n_head=${heads}`);
    if (cfg.scale_attn_by_inverse_layer_idx === true || cfg.reorder_and_upcast_attn === true)
      throw new ConfigError('GPT-2 configs with scale_attn_by_inverse_layer_idx or reorder_and_upcast_attn are not supported');
    return {
      family: 'gpt2',
      vocabSize: num(cfg, 'vocab_size'),
      hidden,
      layers: num(cfg, 'n_layer'),
      heads,
      kvHeads: heads,
      headDim: hidden / heads,
      intermediate: num(cfg, 'n_inner', 4 * hidden),
      maxPositions: num(cfg, 'n_positions', num(cfg, 'n_ctx', 1024)),
      normEps: num(cfg, 'layer_norm_epsilon', 1e-5),
      norm: 'layernorm',
      mlp: 'gelu_new',
      positions: 'learned',
      ropeTheta: 0,
      ropeScaling: { type: 'none' },
      qkvBias: true,
      oBias: true,
      mlpBias: true,
      qkNorm: false,
      tiedEmbeddings: true,
      ...plainAttention(num(cfg, 'n_layer'), hidden / heads),
      ...ids,
    };
  }
  if (type === 'gemma3_text') return parseGemma3(cfg, ids);
  if (type === 'llama' || type === 'qwen2' || type === 'qwen3') {
    const hidden = num(cfg, 'hidden_size');
    const heads = num(cfg, 'num_attention_heads');
    const kvHeads = num(cfg, 'num_key_value_heads', heads);
    if (heads % kvHeads !== 0)
      throw new ConfigError(`num_attention_heads=${heads} must be a multiple of num_key_value_heads=${kvHeads}`);
    const headDim = cfg.head_dim != null ? num(cfg, 'head_dim') : hidden / heads;
    if (!Number.isInteger(headDim)) throw new ConfigError(`hidden_size=${hidden} / num_attention_heads=${heads} is not an integer; set head_dim`);
    if (headDim % 2 !== 0) throw new ConfigError(`head_dim=${headDim} must be even for RoPE`);
    const act = cfg.hidden_act ?? 'silu';
    if (act !== 'silu') throw new ConfigError(`hidden_act "${String(act)}" is not supported (only silu / SwiGLU)`);
    const rope = parseRope(cfg);
    const attentionBias = cfg.attention_bias === true;
    return {
      family: type,
      vocabSize: num(cfg, 'vocab_size'),
      hidden,
      layers: num(cfg, 'num_hidden_layers'),
      heads,
      kvHeads,
      headDim,
      intermediate: num(cfg, 'intermediate_size'),
      maxPositions: num(cfg, 'max_position_embeddings', 2048),
      normEps: num(cfg, 'rms_norm_eps', 1e-6),
      norm: 'rmsnorm',
      mlp: 'swiglu',
      positions: 'rope',
      ropeTheta: rope.theta,
      ropeScaling: rope.scaling,
      qkvBias: type === 'qwen2' ? true : attentionBias,
      oBias: type === 'qwen2' ? false : attentionBias,
      mlpBias: false,
      qkNorm: type === 'qwen3',
      // transformers defaults tie_word_embeddings to true for Llama-like configs without the key.
      tiedEmbeddings: cfg.tie_word_embeddings !== false,
      ...plainAttention(num(cfg, 'num_hidden_layers'), headDim),
      ...ids,
    };
  }
  throw new UnsupportedModelError(type);
}

/** Whether layer l reads the sliding-window RoPE (Gemma 3 sliding layers) rather than the global one. */
export function usesLocalRope(cfg: ModelConfig, layer: number): boolean {
  return cfg.localRopeTheta !== null && cfg.layerWindows[layer] > 0;
}

/**
 * RoPE inverse frequencies [hd/2] (fixtures README, "RoPE"): the global table with its scaling (llama3, linear)
 * applied once, or with `local` Gemma 3's sliding-layer table (rope_local_base_freq, never scaled).
 */
export function ropeInvFreq(cfg: ModelConfig, local = false): Float64Array {
  const half = cfg.headDim / 2;
  const inv = new Float64Array(half);
  const theta = local && cfg.localRopeTheta !== null ? cfg.localRopeTheta : cfg.ropeTheta;
  for (let i = 0; i < half; i++) inv[i] = Math.pow(theta, (-2 * i) / cfg.headDim);
  if (local) return inv;
  const s = cfg.ropeScaling;
  if (s.type === 'linear') for (let i = 0; i < half; i++) inv[i] /= s.factor;
  if (s.type === 'llama3') {
    const low = s.originalMaxPositions / s.lowFreqFactor;
    const high = s.originalMaxPositions / s.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      if (wavelen > low) inv[i] = inv[i] / s.factor;
      else if (wavelen >= high) {
        const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
        inv[i] = ((1 - smooth) * inv[i]) / s.factor + smooth * inv[i];
      }
    }
  }
  return inv;
}

/** Width of one prefix row in PEFT's `prompt_embeddings` layout: L * 2 * KVH * hd (GQA-aware token_dim). */
export function prefixRowWidth(cfg: ModelConfig): number {
  return cfg.layers * 2 * cfg.kvHeads * cfg.headDim;
}
