// What every tuning method declares (PEFT's prompt-learning family): its trainable tensors, how they are
// initialised, how they become the engine's extra input (a soft prompt or a KV prefix), how a gradient with
// respect to that input flows back to them, and the table PEFT saves as `prompt_embeddings`.
// Letters: P virtual tokens, C hidden, W prefix row width (L·2·KVH·hd).
import type { ModelConfig } from '../../engine/model/config.ts';
import type { ExtraInputs } from '../../engine/model/batch.ts';
import type { Tensor } from '../../engine/model/weights.ts';
import type { Grads, Params, RandomSource } from '../nn/dense.ts';

export type MethodName = 'prompt' | 'prefix' | 'ptuning';
export type PeftType = 'PROMPT_TUNING' | 'PREFIX_TUNING' | 'P_TUNING';

export interface PromptTuningOptions {
  method: 'prompt';
  virtualTokens: number;
  init: 'random' | 'vocab' | 'text';
  initText: string; // used when init == 'text'
}
export interface PrefixTuningOptions {
  method: 'prefix';
  virtualTokens: number;
  projection: boolean; // PEFT prefix_projection: a 2-layer tanh MLP reparameterises the prefix
  encoderHidden: number; // PEFT encoder_hidden_size (projection only)
}
export interface PTuningOptions {
  method: 'ptuning';
  virtualTokens: number;
  encoder: 'MLP' | 'LSTM'; // PEFT encoder_reparameterization_type
  encoderHidden: number; // PEFT encoder_hidden_size
}
export type MethodOptions = PromptTuningOptions | PrefixTuningOptions | PTuningOptions;

export interface MethodContext {
  cfg: ModelConfig;
  embed: Tensor; // (V, C) the frozen token embeddings: vocabulary and text inits read them
  encodeText?: (text: string) => number[]; // the tokenizer, for text init
  rng: RandomSource;
}

/** The result of running a method's (possibly trivial) encoder: what the engine sees, and what backward needs. */
export interface MethodForward {
  extras: ExtraInputs;
  tape: unknown;
}

export interface TuningMethod<O extends MethodOptions = MethodOptions> {
  name: O['method'];
  peftType: PeftType;
  title: string;
  /** One or two sentences for the UI: what it is and where its defaults come from. */
  note: string;
  defaults: O;
  init(ctx: MethodContext, options: O): Params;
  forward(params: Params, options: O, cfg: ModelConfig): MethodForward;
  /** gradExtra: d loss / d (the extra input the engine saw), same layout. Returns d loss / d params. */
  backward(params: Params, options: O, cfg: ModelConfig, fwd: MethodForward, gradExtra: Float32Array): Grads;
  /** PEFT's `prompt_embeddings` table: (P, C) for prompt / P-tuning, (P, W) for prefix. */
  exportTable(params: Params, options: O, cfg: ModelConfig): Tensor;
  /** Which parameters AdamW's weight decay applies to (PEFT trains with the HF default: all of them). */
  checkOptions(options: O, cfg: ModelConfig): string[];
}
