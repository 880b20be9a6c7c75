// adapter_config.json as PEFT writes it for the prompt-learning methods: every field of PEFT's config
// dataclasses (PeftConfig + PromptLearningConfig + the method's own), filled the way
// `_prepare_prompt_learning_config` fills them from the base model's config, with keys sorted and 2-space
// indentation as `PeftConfigMixin.save_pretrained` (json.dumps(indent=2, sort_keys=True)) writes them.
// The golden fixtures' `peft_config` lists the fields that matter; test/tuning/export checks them per case.
// PEFT's rules:
// - token_dim = the hidden size, num_attention_heads = the model's heads, num_layers = its layers;
// - a method whose card sets peftKeyValueDims (prefix tuning) on a config with num_key_value_heads (Llama,
//   Qwen; not GPT-2): token_dim = KVH·head_dim and num_attention_heads = KVH (the GQA-aware layout; getting it
//   wrong was PEFT issues #1901 and #2881);
// - each method's own fields come from its card (methods/cards/), e.g. prefix tuning's encoder_hidden_size;
// - num_transformer_submodules = 1 for a decoder-only CAUSAL_LM.
import type { ModelConfig } from '../../engine/model/config.ts';
import { cardFor, cardForPeftType, type BaseMethodOptions, type MethodCard, type PeftValue } from '../methods/cards/index.ts';

/** The fields PeftConfig + PromptLearningConfig write for every prompt-learning method. */
export interface PeftConfigBase {
  peft_type: string;
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

/** A whole adapter_config.json: the shared fields and the method's own (its card's peftFields). */
export type PeftConfig = PeftConfigBase & Record<string, PeftValue>;

export interface PeftConfigExtra {
  baseModel: string | null; // base_model_name_or_path: the Hub id (or folder) the adapter was trained on
  initText?: string; // prompt_tuning_init_text override (TEXT init)
  tokenizerName?: string; // tokenizer_name_or_path (TEXT init); defaults to baseModel
}

/** The (token_dim, num_attention_heads) PEFT records for a method on this model. */
export function peftDims(cfg: ModelConfig, card: Pick<MethodCard, 'peftKeyValueDims'>): { tokenDim: number; heads: number } {
  // GPT-2 configs have no num_key_value_heads, every other supported family does.
  if (card.peftKeyValueDims && cfg.family !== 'gpt2') return { tokenDim: cfg.kvHeads * cfg.headDim, heads: cfg.kvHeads };
  return { tokenDim: cfg.hidden, heads: cfg.heads };
}

export function peftConfig<O extends BaseMethodOptions>(cfg: ModelConfig, options: O, extra: PeftConfigExtra): PeftConfig {
  const card = cardFor(options.method);
  const { tokenDim, heads } = peftDims(cfg, card);
  return {
    peft_type: card.peftType,
    task_type: 'CAUSAL_LM',
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
    ...card.peftFields(options, { tokenDim, baseModel: extra.baseModel, initText: extra.initText, tokenizerName: extra.tokenizerName }),
  };
}

/** The adapter_config.json text: keys sorted, indent 2, floats as Python writes them (the card's peftFloatFields). */
export function peftConfigJson(config: PeftConfig): string {
  const floats = new Set(cardForPeftType(config.peft_type)?.peftFloatFields ?? []);
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify(sorted, null, 2).replace(/^( {2}"(\w+)": )(-?\d+)(,?)$/gm, (all, head: string, key: string, value: string, comma: string) =>
    floats.has(key) ? `${head}${value}.0${comma}` : all,
  );
}
