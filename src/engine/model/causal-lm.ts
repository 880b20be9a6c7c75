// What the tuning layer needs from a frozen causal LM, whichever backend runs it: WebGPU (model/gpu-lm.ts) or
// the float64 reference on the CPU (reference/reference-lm.ts, the fallback without WebGPU).
// Letters: B rows, T tokens, V vocab, P virtual tokens.
import type { ModelConfig } from './config.ts';
import type { ExtraInputs, TokenBatch } from './batch.ts';
import type { ModelWeights } from './weights.ts';
import type { GenerateOptions, Generation, PromptCache } from './generate.ts';

export interface LossAndGrad {
  loss: number; // mean cross-entropy over the batch's scored tokens (fixtures README, "Loss")
  targets: number; // how many tokens were scored
  /** d loss / d (the extra input given), same layout; null when no extra input was given. */
  grad: Float32Array | null;
}

export interface CausalLM {
  readonly config: ModelConfig;
  /** Host copies of the frozen weights: the embedding table serves vocabulary init and nearest-token read-outs. */
  readonly weights: ModelWeights;
  readonly backend: 'webgpu' | 'cpu';
  /** Largest batch rows × tokens (virtual included) the backend accepts in one call, and the most virtual tokens.
   *  Shorter rows may come in greater number (rowsPerCall). */
  readonly capacity: { rows: number; tokens: number; virtualTokens: number };
  /** How many rows of `tokens` tokens (virtual included), each with `scored` scored tokens, one call accepts: evaluation
   *  packs this many label rows into one submit. */
  rowsPerCall(tokens: number, scored: number): number;
  /** With `grad: false` the backward pass is skipped and `grad` is null (validation loss). */
  lossAndGrad(batch: TokenBatch, extras: ExtraInputs, options?: { grad?: boolean }): Promise<LossAndGrad>;
  /** Per row, the sum of log-probabilities of its labelled tokens (rank classification). (B) */
  scoreRows(batch: TokenBatch, extras: ExtraInputs): Promise<Float64Array>;
  /** Next-token logits after each row's last real token; rows must be right-padded. (B, V) */
  lastLogits(batch: TokenBatch, extras: ExtraInputs): Promise<Float32Array>;
  /** New tokens after `prompt` with a KV cache (generate.ts): the prompt runs once, then one token per step.
   *  Calls on one model run one after another. */
  generate(prompt: readonly number[], extras: ExtraInputs, options: GenerateOptions): Promise<Generation>;
  /** The prompt (soft prompt or prefix) as every layer's keys and values at positions 0..P-1 (generate.ts). */
  promptCache(extras: ExtraInputs): Promise<PromptCache>;
  dispose(): void;
}
