// A tokenised example and the padded batches built from it. Letters: B rows, T tokens.
// The prompt part (template with the input) is never scored; the target part (the answer) is.
import type { ModelConfig } from '../../engine/model/config.ts';
import { IGNORE_INDEX, padBatch, type TokenBatch } from '../../engine/model/batch.ts';

export interface EncodedExample {
  input: string; // the raw input, for display
  output: string; // the expected answer text (trimmed)
  prompt: number[]; // token ids of the rendered template
  target: number[]; // token ids of the answer (leading space included, EOS for free text)
}

/** The id used for padding: the config's pad token, else EOS, else 0 (pads are masked and never scored). */
export function padId(cfg: Pick<ModelConfig, 'padTokenId' | 'eosTokenId'>): number {
  return cfg.padTokenId ?? cfg.eosTokenId ?? 0;
}

/** Right-padded training batch (B, T = longest row): labels are the target ids, -100 on prompts and pads. */
export function toTrainingBatch(examples: readonly EncodedExample[], cfg: Pick<ModelConfig, 'padTokenId' | 'eosTokenId'>): TokenBatch {
  return padBatch(
    examples.map((e) => [...e.prompt, ...e.target]),
    examples.map((e) => [...e.prompt.map(() => IGNORE_INDEX), ...e.target]),
    padId(cfg),
    'right',
  );
}
