// adapter_config.json as PEFT writes it for the prompt-learning methods (fields as in the golden fixtures'
// peft_config). PEFT's own rules: token_dim = hidden size; num_attention_heads = the model's heads; for
// PREFIX_TUNING on a config with num_key_value_heads, token_dim = KVH·hd and num_attention_heads = KVH (the
// GQA-aware layout whose absence caused PEFT issues #1901 and #2881).
import type { ModelConfig } from '../../engine/model/config.ts';
import type { MethodOptions } from '../methods/method.ts';

export type PeftConfig = Record<string, string | number | boolean | null>;

export function peftConfig(cfg: ModelConfig, options: MethodOptions, extra: { baseModel: string | null; initText?: string; tokenizerName?: string }): PeftConfig {
  const gqaAware = cfg.family !== 'gpt2'; // configs with num_key_value_heads
  const common: PeftConfig = {
    base_model_name_or_path: extra.baseModel,
    inference_mode: true,
    num_layers: cfg.layers,
    num_transformer_submodules: 1,
    num_virtual_tokens: options.virtualTokens,
    task_type: 'CAUSAL_LM',
    revision: null,
  };
  if (options.method === 'prompt') {
    const init = options.init === 'random' ? 'RANDOM' : options.init === 'vocab' ? 'SAMPLE_VOCAB' : 'TEXT';
    return {
      ...common,
      peft_type: 'PROMPT_TUNING',
      token_dim: cfg.hidden,
      num_attention_heads: cfg.heads,
      prompt_tuning_init: init,
      prompt_tuning_init_text: init === 'TEXT' ? (extra.initText ?? options.initText) : null,
      tokenizer_name_or_path: init === 'TEXT' ? (extra.tokenizerName ?? extra.baseModel) : null,
    };
  }
  if (options.method === 'prefix') {
    const tokenDim = gqaAware ? cfg.kvHeads * cfg.headDim : cfg.hidden;
    return {
      ...common,
      peft_type: 'PREFIX_TUNING',
      token_dim: tokenDim,
      num_attention_heads: gqaAware ? cfg.kvHeads : cfg.heads,
      prefix_projection: options.projection,
      encoder_hidden_size: options.projection ? options.encoderHidden : tokenDim,
    };
  }
  return {
    ...common,
    peft_type: 'P_TUNING',
    token_dim: cfg.hidden,
    num_attention_heads: cfg.heads,
    encoder_reparameterization_type: options.encoder,
    encoder_hidden_size: options.encoderHidden,
    encoder_num_layers: 2,
    encoder_dropout: 0,
  };
}
