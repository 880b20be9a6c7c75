// Examples → token rows. A row is `prompt ++ target`: the prompt (the rendered template, tokenised with the
// checkpoint's special tokens or through its chat template: row-format.ts) gets label -100 and is never scored;
// the target (the answer without special tokens, see template.ts for its leading space) is scored, followed by
// EOS (or the chat template's end of turn) for free-text tasks so generation learns to stop. Prompt and target are tokenised separately, as PEFT's
// examples do, so the boundary between them is exact. Rows that do not fit the model are reported (which
// row, its length, the limit), never cut: a cut row would silently lose its answer.
// Letters: P virtual tokens, N = maxPositions.
import { IGNORE_INDEX } from '../../engine/model/batch.ts';
import type { Example } from './parse.ts';
import { renderTemplate, targetText, DEFAULT_TARGET_OPTIONS, type TargetOptions } from './template.ts';
import type { Tokenizer } from './tokenizer.ts';
import type { EncodedExample } from './encoded.ts';

export { toTrainingBatch, padId, type EncodedExample } from './encoded.ts';

export interface EncodeOptions {
  template: string; // with {input} exactly once
  target?: TargetOptions; // default: leading space (GPT-2 / Llama BPE)
  eosTokenId: number | null; // appended after the answer when set (free text); null for classification
  end?: number[]; // appended after the answer instead of eosTokenId (the chat template's end of turn)
  encodePrompt?: (text: string) => number[]; // the prompt's tokens (row-format.ts); default: tok.encode, no special tokens
  encodeAnswer?: (text: string) => number[]; // the answer's tokens; default: tok.encode
  maxPositions: number; // N, the model's context
  virtualTokens: number; // P: they take positions 0..P-1 in both methods
}

export interface TooLongRow {
  row: number; // the example's line in the file (1-based), else its index + 1
  tokens: number; // prompt + target (+ EOS)
  limit: number; // N − P
}

export interface EncodeResult {
  rows: EncodedExample[]; // every example, in order (too-long ones included, so indices stay aligned)
  tooLong: TooLongRow[];
  limit: number;
}

/** Tokens a row may have: the context minus the virtual tokens (a prompt or a prefix sits in front of it). */
export function rowLimit(maxPositions: number, virtualTokens: number): number {
  return maxPositions - virtualTokens;
}

export function encodeExample(example: Example, tok: Tokenizer, options: EncodeOptions): EncodedExample {
  const output = example.output.trim();
  const text = renderTemplate(options.template, example.input);
  const prompt = options.encodePrompt ? options.encodePrompt(text) : tok.encode(text);
  const answerText = targetText(output, options.target ?? DEFAULT_TARGET_OPTIONS);
  const answer = options.encodeAnswer ? options.encodeAnswer(answerText) : tok.encode(answerText);
  const end = options.end ?? (options.eosTokenId === null ? [] : [options.eosTokenId]);
  const target = [...answer, ...end];
  return { input: example.input, output, prompt, target };
}

export function encodeExamples(examples: readonly (Example & { line?: number })[], tok: Tokenizer, options: EncodeOptions): EncodeResult {
  const limit = rowLimit(options.maxPositions, options.virtualTokens);
  const tooLong: TooLongRow[] = [];
  const rows = examples.map((e, i) => {
    const row = encodeExample(e, tok, options);
    const tokens = row.prompt.length + row.target.length;
    if (tokens > limit) tooLong.push({ row: e.line ?? i + 1, tokens, limit });
    return row;
  });
  return { rows, tooLong, limit };
}

/** The labels of one row as the batch holds them: -100 on the prompt, the target ids on the answer. */
export function rowLabels(row: EncodedExample): number[] {
  return [...row.prompt.map(() => IGNORE_INDEX), ...row.target];
}
