// What every tuning method declares (PEFT's prompt-learning family): its trainable tensors, how they are
// initialised, how they become the engine's extra input (a soft prompt or a KV prefix), how a gradient with
// respect to that input flows back to them, and the table PEFT saves as `prompt_embeddings`.
// Letters: P virtual tokens, C hidden, W prefix row width (L·2·KVH·hd).
import type { ModelConfig } from '../../engine/model/config.ts';
import type { ExtraInputs } from '../../engine/model/batch.ts';
import type { Tensor } from '../../engine/model/weights.ts';
import type { Grads, Params, RandomSource } from '../nn/dense.ts';
import type { BaseMethodOptions, MethodCard, MethodOptions } from './cards/index.ts';

export type { MethodName, MethodOptions, PromptTuningOptions, PrefixTuningOptions, PTuningOptions } from './cards/index.ts';
/** PEFT's peft_type, as the method's card names it. */
export type PeftType = string;

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

/** A method: its card (name, PEFT type and fields, defaults, learning rate, option fields) and its compute. */
export interface TuningMethod<O extends BaseMethodOptions = MethodOptions> extends MethodCard<O> {
  init(ctx: MethodContext, options: O): Params;
  forward(params: Params, options: O, cfg: ModelConfig): MethodForward;
  /** gradExtra: d loss / d (the extra input the engine saw), same layout. Returns d loss / d params. */
  backward(params: Params, options: O, cfg: ModelConfig, fwd: MethodForward, gradExtra: Float32Array): Grads;
  /** PEFT's `prompt_embeddings` table: (P, C) for prompt / P-tuning, (P, W) for prefix. */
  exportTable(params: Params, options: O, cfg: ModelConfig): Tensor;
  /** Problems with the options on this model beyond the shared checks (checks.ts), as sentences. */
  checkOptions?(options: O, cfg: ModelConfig): string[];
}
