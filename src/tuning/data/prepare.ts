// From the user's text to what the trainer needs: parse (line errors), check the template, decide
// classification vs free text, split train / validation (the file's split column, else a seeded split
// stratified by label), tokenise (rows as transformers builds them, row-format.ts: the checkpoint's special
// tokens, optionally the chat template), and report rows too long for the model (never cut them).
import type { ModelConfig } from '../../engine/model/config.ts';
import type { EncodedExample } from './encoded.ts';
import { encodeExamples, type TooLongRow } from './encode.ts';
import { cachedEncoder } from './encode-cache.ts';
import { detectLabels, labelWarnings, type LabelCount, type LabelMerge, type TaskKind } from './labels.ts';
import { parseDataset, type DatasetError, type RawExample } from './parse.ts';
import { splitExamples } from './split.ts';
import { checkTemplate, targetText, DEFAULT_TARGET_OPTIONS, type TargetOptions } from './template.ts';
import type { TextTokenizer, TokenPiece } from './tokenizer.ts';
import { answerEnd, answerOptions, encodePrompt, resolveChatTemplate, rowRecipe, stopIds, type ChatTemplateSetting, type RowRecipe } from './row-format.ts';

export type { TaskKind } from './labels.ts';
export { splitExamples } from './split.ts';

export interface DatasetRequest {
  text: string;
  fileName: string;
  template: string;
  validationFraction: number;
  seed: number;
  target?: TargetOptions; // the answer's leading space (default on; off through the chat template)
  chatTemplate?: ChatTemplateSetting; // rows through the tokenizer's chat template (default off; 'auto': instruct names)
}

/** The first row as the model sees it: special tokens marked (`<bos>`, chat markers), the count including them. */
export interface RowPreview {
  text: string; // the prompt with its special tokens written out
  target: string; // the answer with EOS / end of turn written out
  tokens: number;
  prompt: TokenPiece[];
  answer: TokenPiece[];
}

export interface PreparedDataset {
  ok: boolean;
  errors: DatasetError[];
  /** Worth a look but not blocking: JSONL values read as text, labels differing only in case, a single label. */
  warnings: DatasetError[];
  /** Label spellings that differ only in case, with the spelling to merge them into. */
  merges: LabelMerge[];
  kind: TaskKind;
  labels: { names: string[]; counts: number[]; tokens: number[][] };
  train: EncodedExample[];
  validation: EncodedExample[];
  tooLong: TooLongRow[];
  preview: RowPreview;
  template: string;
  target: TargetOptions; // how answers were written after the template (k-shot demonstrations follow it too)
  chatTemplate: boolean; // rows went through the tokenizer's chat template
  stopIds: number[]; // where generation stops: EOS, and the end of turn through the chat template
  recipe: RowRecipe; // how a row was built, for the export
}

/** The parser's warnings and the label set's, in line order (whole-data ones, line 0, first). */
export function dataWarnings(parsed: { warnings: DatasetError[] }, labels: readonly LabelCount[]): { warnings: DatasetError[]; merges: LabelMerge[] } {
  const l = labelWarnings(labels);
  return { warnings: [...l.warnings.map((message) => ({ line: 0, message })), ...parsed.warnings], merges: l.merges };
}

/** Classification or free text, with the label counts (see labels.ts for the rule). */
export function detectTask(examples: readonly RawExample[]): { kind: TaskKind; labels: LabelCount[] } {
  return detectLabels(examples);
}

/** `modelName` decides the chat template's 'auto' setting (instruct / -it names). */
export function prepareDataset(req: DatasetRequest, tok: TextTokenizer, cfg: ModelConfig, virtualTokens: number, modelName = ''): PreparedDataset {
  const parsed = parseDataset(req.text, req.fileName);
  const errors = [...parsed.errors];
  const templateProblem = checkTemplate(req.template);
  if (templateProblem) errors.unshift({ line: 0, message: templateProblem });
  const chat = resolveChatTemplate(req.chatTemplate, tok, modelName);
  if (chat.problem) errors.unshift({ line: 0, message: chat.problem });
  const { kind, labels } = detectLabels(parsed.examples);
  const split = splitExamples(parsed.examples, { fraction: req.validationFraction, seed: req.seed, stratify: kind === 'classification' });
  const targetOptions = answerOptions(req.target ?? DEFAULT_TARGET_OPTIONS, chat.on);
  const end = answerEnd(tok, kind, chat.on);
  const options = {
    template: req.template,
    target: targetOptions,
    eosTokenId: null, // `end` says what follows the answer
    end,
    // Remembered per tokenizer: a re-check after an edit tokenises only the rows that changed (encode-cache.ts).
    encodePrompt: cachedEncoder(tok, chat.on ? 'prompt/chat' : 'prompt', (text: string) => encodePrompt(tok, text, chat.on)),
    encodeAnswer: cachedEncoder(tok, 'answer', (text: string) => tok.encode(text)),
    maxPositions: cfg.maxPositions,
    virtualTokens,
  };
  const train = templateProblem ? null : encodeExamples(split.train, tok, options);
  const validation = templateProblem ? null : encodeExamples(split.validation, tok, options);
  const tooLong = [...(train?.tooLong ?? []), ...(validation?.tooLong ?? [])].sort((a, b) => a.row - b.row);
  for (const t of tooLong)
    errors.push({ line: t.row, message: `line ${t.row}: ${t.tokens} tokens, but with ${virtualTokens} virtual tokens the model's ${cfg.maxPositions} positions leave room for ${t.limit}; shorten it` });
  const encoded = [...(train?.rows ?? []), ...(validation?.rows ?? [])];
  const empty = new Set(encoded.filter((e) => e.target.length === 0).map((e) => e.output));
  for (const output of empty) errors.push({ line: 0, message: `the output "${output}" tokenises to nothing` });
  if (!templateProblem && parsed.examples.length > 0 && split.train.length === 0)
    errors.push({ line: 0, message: 'no training examples: mark some rows split=train or lower the validation fraction' });
  const first = train?.rows[0] ?? validation?.rows[0];
  const names = labels.map((l) => l.label);
  return {
    ok: errors.length === 0,
    errors: errors.sort((a, b) => a.line - b.line),
    ...dataWarnings(parsed, labels),
    kind,
    labels: {
      names,
      counts: labels.map((l) => l.count),
      tokens: kind === 'classification' ? names.map((n) => tok.encode(targetText(n, targetOptions))) : [],
    },
    train: train?.rows ?? [],
    validation: validation?.rows ?? [],
    tooLong,
    preview: first ? rowPreview(tok, first) : { text: '', target: '', tokens: 0, prompt: [], answer: [] },
    template: req.template,
    target: targetOptions,
    chatTemplate: chat.on,
    stopIds: stopIds(tok, chat.on),
    recipe: rowRecipe(tok, { kind, template: req.template, chat: chat.on, target: targetOptions }),
  };
}

/** One encoded row as the preview shows it (the tokens themselves, so what is shown is what the model sees). */
export function rowPreview(tok: TextTokenizer, row: EncodedExample): RowPreview {
  const prompt = tok.pieces(row.prompt);
  const answer = tok.pieces(row.target);
  const join = (p: TokenPiece[]) => p.map((x) => x.text).join('');
  return { text: join(prompt), target: join(answer), tokens: row.prompt.length + row.target.length, prompt, answer };
}
