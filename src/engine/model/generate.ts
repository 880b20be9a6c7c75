// Generation with a KV cache, the same loop for every backend: a KvDecoder runs the prompt once (prefill: every
// layer's K and V written to its cache, a prefix's own K/V first) and then one token at a time, attending to the
// cache; the loop samples (sampling.ts) and stops on a stop id, on max tokens, or when the positions run out.
// `generateByRecompute` is the old way (the whole sequence again for every token, through lastLogits): the oracle
// the cached path is tested against and the bench's baseline.
// Positions follow training (batch.ts): a soft prompt takes positions 0..P-1 and the text P..; a prefix sits in
// the cache as rows 0..P-1 and the text takes P... Either way cache row = position.
import type { ExtraInputs } from './batch.ts';
import { padBatch } from './batch.ts';
import type { CausalLM } from './causal-lm.ts';
import type { ModelConfig } from './config.ts';
import { prefixRowWidth } from './config.ts';
import { checkSampling, sampleToken, SamplingRng, type SamplingOptions } from './sampling.ts';

/** Cache positions at most, on either backend: 2·L·N·KVH·hd floats stay small (GPT-2 small: 75 MB in f32 at its
 *  1024 positions) where a model's own limit can be 32k or more. */
export const MAX_CACHE_POSITIONS = 2048;

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Generation ends when one of these is drawn; it is not part of the output. */
  stopIds?: readonly number[];
  /** Seeds the sampler (ignored when greedy); the same seed, prompt and model give the same tokens. Default 0. */
  seed?: number;
  /** Sees the next-token logits of every step before the draw (tests compare them with a full recompute). It must
   *  not call the same model: a model runs its calls one at a time (call-queue.ts), so that would wait forever. */
  onLogits?: (logits: Float32Array, step: number) => void;
}

export type StopReason = 'stop-id' | 'max-tokens' | 'max-positions';

export interface Generation {
  tokens: number[];
  stop: StopReason;
  /** Positions the sequence may use: the model's, or the cache's when that is smaller. */
  positionLimit: number;
}

/** One sequence's decoding state on a backend. A prefill starts a new sequence and drops the old one. */
export interface KvDecoder {
  /** Largest number of positions (virtual ones included) the cache holds. */
  readonly capacity: number;
  /** Positions used so far (prefix/prompt rows included). */
  readonly length: number;
  /** Runs the prompt; next-token logits (V). */
  prefill(prompt: readonly number[], extras: ExtraInputs): Promise<Float32Array>;
  /** Appends one token at position `length`; next-token logits (V). */
  step(token: number): Promise<Float32Array>;
  /** Each layer's cached keys (after RoPE) and values at rows 0..rows-1, (rows, KVH·hd) position-major. */
  readCache(rows: number): Promise<{ keys: Float32Array[]; values: Float32Array[] }>;
  dispose(): void;
}

/** A trained prompt as a key/value cache: every layer's keys (after RoPE, and the key norm where the family has
 *  one) and values at positions 0..P-1, each (P, KVH·hd) position-major. Causal attention makes these depend only on
 *  the virtual tokens, so any runtime that takes `past_key_values` reproduces the prompt exactly from them. */
export interface PromptCache {
  positions: number; // P
  keys: Float32Array[]; // per layer (P, KVH·hd)
  values: Float32Array[];
}

/** The cache of a soft prompt (one forward pass over its virtual tokens) or of a prefix (its rows, as they are). */
export async function promptCache(decoder: KvDecoder, cfg: ModelConfig, extras: ExtraInputs): Promise<PromptCache> {
  const P = extras.virtualTokens ?? 0;
  if (!(extras.promptEmbeds || extras.prefix) || P === 0) throw new Error('there is no trained prompt to turn into a key/value cache');
  // Any one token will do: rows 0..P-1 never attend to it (causal), so its id cannot change them.
  await decoder.prefill([0], extras);
  const { keys, values } = await decoder.readCache(P);
  if (keys.length !== cfg.layers) throw new Error(`internal: the cache has ${keys.length} layers, the model ${cfg.layers}`);
  return { positions: P, keys, values };
}

/** Checks a generation's prompt and extra input; returns the soft-prompt rows Pv and prefix rows Pk. */
export function checkGenerationInput(cfg: ModelConfig, prompt: readonly number[], extras: ExtraInputs, capacity: number): { Pv: number; Pk: number } {
  if (prompt.length === 0) throw new Error('generation needs at least one prompt token');
  for (const id of prompt) if (!(Number.isInteger(id) && id >= 0 && id < cfg.vocabSize)) throw new Error(`token id ${id} is outside the vocabulary of ${cfg.vocabSize}`);
  if (extras.promptEmbeds && extras.prefix) throw new Error('give either promptEmbeds or prefix, not both');
  const P = extras.promptEmbeds || extras.prefix ? (extras.virtualTokens ?? 0) : 0;
  if (extras.promptEmbeds && extras.promptEmbeds.length !== P * cfg.hidden)
    throw new Error(`prompt embeddings have ${extras.promptEmbeds.length} values, expected ${P} × ${cfg.hidden}`);
  if (extras.prefix && extras.prefix.length !== P * prefixRowWidth(cfg))
    throw new Error(`prefix has ${extras.prefix.length} values, expected ${P} × ${prefixRowWidth(cfg)} (layers·2·kv_heads·head_dim)`);
  const limit = Math.min(cfg.maxPositions, capacity);
  if (P + prompt.length > limit)
    throw new Error(`the prompt needs ${P + prompt.length} positions (${P} virtual + ${prompt.length} tokens) but generation has ${limit}; shorten the input or use fewer virtual tokens`);
  return extras.promptEmbeds ? { Pv: P, Pk: 0 } : { Pv: 0, Pk: P };
}

function checkOptions(o: GenerateOptions): void {
  if (!(Number.isInteger(o.maxNewTokens) && o.maxNewTokens >= 0)) throw new Error(`max tokens must be a whole number ≥ 0, got ${o.maxNewTokens}`);
  checkSampling(o);
}

/** The decoding loop over a KvDecoder. */
export async function runGeneration(decoder: KvDecoder, prompt: readonly number[], extras: ExtraInputs, o: GenerateOptions): Promise<Generation> {
  checkOptions(o);
  const rng = new SamplingRng(o.seed ?? 0);
  const stop = new Set(o.stopIds ?? []);
  const tokens: number[] = [];
  const positionLimit = decoder.capacity;
  if (o.maxNewTokens === 0) return { tokens, stop: 'max-tokens', positionLimit };
  let logits = await decoder.prefill(prompt, extras);
  for (let k = 0; ; k++) {
    o.onLogits?.(logits, k);
    const next = sampleToken(logits, o, rng);
    if (stop.has(next)) return { tokens, stop: 'stop-id', positionLimit };
    tokens.push(next);
    if (tokens.length >= o.maxNewTokens) return { tokens, stop: 'max-tokens', positionLimit };
    // The drawn token needs a position of its own before it can predict the one after it.
    if (decoder.length >= positionLimit) return { tokens, stop: 'max-positions', positionLimit };
    logits = await decoder.step(next);
  }
}

/** The same loop without a cache: every step runs the whole sequence (prompt + tokens so far) through lastLogits. */
export async function generateByRecompute(lm: CausalLM, prompt: readonly number[], extras: ExtraInputs, o: GenerateOptions): Promise<Generation> {
  checkOptions(o);
  const { Pv, Pk } = checkGenerationInput(lm.config, prompt, extras, lm.config.maxPositions);
  const positionLimit = lm.config.maxPositions;
  const rng = new SamplingRng(o.seed ?? 0);
  const stop = new Set(o.stopIds ?? []);
  const tokens: number[] = [];
  if (o.maxNewTokens === 0) return { tokens, stop: 'max-tokens', positionLimit };
  for (let k = 0; ; k++) {
    const ids = [...prompt, ...tokens];
    const logits = await lm.lastLogits(padBatch([ids], [ids.map(() => -100)], 0, 'right'), extras);
    o.onLogits?.(logits, k);
    const next = sampleToken(logits, o, rng);
    if (stop.has(next)) return { tokens, stop: 'stop-id', positionLimit };
    tokens.push(next);
    if (tokens.length >= o.maxNewTokens) return { tokens, stop: 'max-tokens', positionLimit };
    if (Pv + Pk + ids.length >= positionLimit) return { tokens, stop: 'max-positions', positionLimit };
  }
}
