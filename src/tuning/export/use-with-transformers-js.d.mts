// Types of use-with-transformers-js.mjs (the snippet is plain JavaScript so it can be copied into any page).
import type { DynamicCache, PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';

export interface PromptCacheFile {
  meta: Record<string, string>;
  positions: number;
  rowFormat: { chat_template?: boolean; prompt_special_tokens?: { prefix_ids: number[]; suffix_ids: number[] } };
  /** Each layer's RoPE inverse frequencies: inv_freq[layer_table[l]]; null without RoPE. */
  rope: { inv_freq: number[][]; layer_table: number[] } | null;
  tensors: Record<string, { dims: number[]; data: Float32Array }>;
}

export interface ModelShape {
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads?: number;
  hidden_size: number;
  head_dim?: number;
}

export function readPromptCache(bytes: Uint8Array, config?: ModelShape): PromptCacheFile;
export type CacheType = 'float32' | 'float16';
export function cacheType(model: PreTrainedModel): CacheType | string;
export function firstPosition(model: PreTrainedModel): 0 | 1;
export function freshCache(prompt: PromptCacheFile, model?: PreTrainedModel): DynamicCache;
export function toFloat16(values: Float32Array): Float16Array | Uint16Array;
export function float16Bits(values: Float32Array): Uint16Array;
export function promptIds(tokenizer: PreTrainedTokenizer, prompt: PromptCacheFile, text: string): number[];
export function generateWithPrompt(args: {
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
  prompt: PromptCacheFile;
  text: string;
  maxNewTokens?: number;
  [option: string]: unknown;
}): Promise<{ ids: number[]; text: string; inputIds: number[] }>;
