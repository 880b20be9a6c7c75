// adapter_config.json as PEFT writes it for the prompt-learning methods: every field of PEFT's config
// dataclasses (PeftConfig + PromptLearningConfig + the method's own), filled the way
// `_prepare_prompt_learning_config` fills them from the base model's config, with keys sorted and 2-space
// indentation as `PeftConfigMixin.save_pretrained` (json.dumps(indent=2, sort_keys=True)) writes them.
// The golden fixtures' `peft_config` lists the fields that matter; test/tuning/export checks them per case.
// PEFT's rules:
// - token_dim = the hidden size, num_attention_heads = the model's heads, num_layers = its layers;
// - PREFIX_TUNING on a config with num_key_value_heads (Llama, Qwen; not GPT-2): token_dim = KVH·head_dim and
//   num_attention_heads = KVH (the GQA-aware layout; getting it wrong was PEFT issues #1901 and #2881);
// - encoder_hidden_size left unset becomes token_dim (so an unprojected prefix reports token_dim);
// - num_transformer_submodules = 1 for a decoder-only CAUSAL_LM.
import type { ModelConfig } from '../../engine/model/config.ts';
import type { MethodOptions, PeftType } from '../methods/method.ts';

interface PeftConfigBase {
  peft_type: PeftType;
  task_type: 'CAUSAL_LM';
  auto_mapping: null;
  base_model_name_or_path: string | null;
  revision: string | null;
  inference_mode: boolean;
  num_virtual_tokens: number;
  token_dim: number;
  num_transformer_submodules: number;
  num_attention_heads: number;
  num_layers: number;
}

export interface PromptTuningPeftConfig extends PeftConfigBase {
  peft_type: 'PROMPT_TUNING';
  prompt_tuning_init: 'RANDOM' | 'SAMPLE_VOCAB' | 'TEXT';
  prompt_tuning_init_text: string | null;
  tokenizer_name_or_path: string | null;
  tokenizer_kwargs: null;
}

export interface PrefixTuningPeftConfig extends PeftConfigBase {
  peft_type: 'PREFIX_TUNING';
  encoder_hidden_size: number;
  prefix_projection: boolean;
}

export interface PTuningPeftConfig extends PeftConfigBase {
  peft_type: 'P_TUNING';
  encoder_reparameterization_type: 'MLP' | 'LSTM';
  encoder_hidden_size: number;
  encoder_num_layers: number;
  encoder_dropout: number;
}

export type PeftConfig = PromptTuningPeftConfig | PrefixTuningPeftConfig | PTuningPeftConfig;

export interface PeftConfigExtra {
  baseModel: string | null; // base_model_name_or_path: the Hub id (or folder) the adapter was trained on
  initText?: string; // prompt_tuning_init_text override (TEXT init)
  tokenizerName?: string; // tokenizer_name_or_path (TEXT init); defaults to baseModel
}

/** The (token_dim, num_attention_heads) PEFT records for a method on this model. */
export function peftDims(cfg: ModelConfig, peftType: PeftType): { tokenDim: number; heads: number } {
  // GPT-2 configs have no num_key_value_heads, every other supported family does.
  if (peftType === 'PREFIX_TUNING' && cfg.family !== 'gpt2') return { tokenDim: cfg.kvHeads * cfg.headDim, heads: cfg.kvHeads };
  return { tokenDim: cfg.hidden, heads: cfg.heads };
}

export function peftTypeOf(method: MethodOptions['method']): PeftType {
  return method === 'prompt' ? 'PROMPT_TUNING' : method === 'prefix' ? 'PREFIX_TUNING' : 'P_TUNING';
}

export function peftConfig(cfg: ModelConfig, options: MethodOptions, extra: PeftConfigExtra): PeftConfig {
  const peftType = peftTypeOf(options.method);
  const { tokenDim, heads } = peftDims(cfg, peftType);
  const base = {
    task_type: 'CAUSAL_LM' as const,
    auto_mapping: null,
    base_model_name_or_path: extra.baseModel,
    revision: null,
    // PEFT saves with the adapter in inference mode (from_pretrained(is_trainable=False) reads it so anyway).
    inference_mode: true,
    num_virtual_tokens: options.virtualTokens,
    token_dim: tokenDim,
    num_transformer_submodules: 1,
    num_attention_heads: heads,
    num_layers: cfg.layers,
  };
  if (options.method === 'prompt') {
    const init = options.init === 'random' ? 'RANDOM' : options.init === 'vocab' ? 'SAMPLE_VOCAB' : 'TEXT';
    return {
      ...base,
      peft_type: 'PROMPT_TUNING',
      prompt_tuning_init: init,
      prompt_tuning_init_text: init === 'TEXT' ? (extra.initText ?? options.initText) : null,
      tokenizer_name_or_path: init === 'TEXT' ? (extra.tokenizerName ?? extra.baseModel) : null,
      tokenizer_kwargs: null,
    };
  }
  if (options.method === 'prefix') {
    return {
      ...base,
      peft_type: 'PREFIX_TUNING',
      encoder_hidden_size: options.projection ? options.encoderHidden : tokenDim,
      prefix_projection: options.projection,
    };
  }
  return {
    ...base,
    peft_type: 'P_TUNING',
    encoder_reparameterization_type: options.encoder,
    encoder_hidden_size: options.encoderHidden,
    encoder_num_layers: 2, // PEFT's default; the studio's encoders have PEFT's fixed depth
    encoder_dropout: 0,
  };
}

// Fields that Python writes as floats: JSON.stringify(0) is "0", json.dumps(0.0) is "0.0".
const FLOAT_FIELDS = new Set(['encoder_dropout']);

/** The adapter_config.json text: keys sorted, indent 2, floats as Python writes them. */
export function peftConfigJson(config: PeftConfig): string {
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify(sorted, null, 2).replace(/^( {2}"(\w+)": )(-?\d+)(,?)$/gm, (all, head: string, key: string, value: string, comma: string) =>
    FLOAT_FIELDS.has(key) ? `${head}${value}.0${comma}` : all,
  );
}
