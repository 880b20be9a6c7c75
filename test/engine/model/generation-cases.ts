// The three ways a generation can start, shared by the Node tests (float64 reference) and the Chromium harness
// (WebGPU): no extra input, a soft prompt, a KV prefix. Each must change what the demo model generates, or the
// tests could not tell whether the extra input reaches the cache: the soft prompt is the embeddings of a text
// (PEFT's text init) that shifts the continuation; the prefix is deterministic, of K/V scale and large enough
// to move the attention.
import type { ExtraInputs } from '../../../src/engine/model/batch.ts';
import { prefixRowWidth, type ModelConfig } from '../../../src/engine/model/config.ts';
import type { ModelWeights } from '../../../src/engine/model/weights.ts';

/** The demo tokenizer's ids of "Review: a warm, funny film with a great cast\nCode:" (fixed here: the engine tests
 *  need no tokenizer). */
export const GENERATION_PROMPT = [281, 58, 260, 261, 392, 109, 44, 279, 117, 680, 121, 496, 703, 256, 260, 624, 268, 363, 10, 286, 58];
/** "Review: the room was awful and cold\nCode: beta\n": the soft prompt's text. */
const SOFT_PROMPT_TEXT = [281, 58, 258, 483, 282, 576, 360, 803, 100, 10, 286, 58, 322, 10];
export const PREFIX_LENGTH = 5;

export function generationCases(cfg: ModelConfig, w: ModelWeights): { name: string; extras: ExtraInputs }[] {
  const C = cfg.hidden;
  const promptEmbeds = new Float32Array(SOFT_PROMPT_TEXT.length * C);
  SOFT_PROMPT_TEXT.forEach((id, p) => promptEmbeds.set(w.embed.data.subarray(id * C, (id + 1) * C), p * C));
  const W = prefixRowWidth(cfg);
  const prefix = Float32Array.from({ length: PREFIX_LENGTH * W }, (_, i) => 4 * Math.sin(i * 0.7 + 0.3) * Math.cos(i * 0.013));
  return [
    { name: 'no extra input', extras: {} },
    { name: 'soft prompt', extras: { promptEmbeds, virtualTokens: SOFT_PROMPT_TEXT.length } },
    { name: 'prefix', extras: { prefix, virtualTokens: PREFIX_LENGTH } },
  ];
}
