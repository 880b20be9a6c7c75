// From the user's text to what the trainer needs: parse (line errors), check the template, decide
// classification vs free text, split train / validation (the file's split column, else a seeded split
// stratified by label), tokenise, and report rows too long for the model (never cut them).
import type { ModelConfig } from '../../engine/model/config.ts';
import type { EncodedExample } from './encoded.ts';
import { encodeExamples, type TooLongRow } from './encode.ts';
import { detectLabels, type LabelCount, type TaskKind } from './labels.ts';
import { parseDataset, type DatasetError, type RawExample } from './parse.ts';
import { splitExamples } from './split.ts';
import { checkTemplate, renderTemplate, targetText, DEFAULT_TARGET_OPTIONS, type TargetOptions } from './template.ts';
import type { TextTokenizer } from './tokenizer.ts';

export type { TaskKind } from './labels.ts';
export { splitExamples } from './split.ts';

export interface DatasetRequest {
  text: string;
  fileName: string;
  template: string;
  validationFraction: number;
  seed: number;
  target?: TargetOptions; // the answer's leading space (default on)
}

export interface PreparedDataset {
  ok: boolean;
  errors: DatasetError[];
  kind: TaskKind;
  labels: { names: string[]; counts: number[]; tokens: number[][] };
  train: EncodedExample[];
  validation: EncodedExample[];
  tooLong: TooLongRow[];
  preview: { text: string; target: string; tokens: number };
  template: string;
  target: TargetOptions; // how answers were written after the template (k-shot demonstrations follow it too)
}

/** Classification or free text, with the label counts (see labels.ts for the rule). */
export function detectTask(examples: readonly RawExample[]): { kind: TaskKind; labels: LabelCount[] } {
  return detectLabels(examples);
}

export function prepareDataset(req: DatasetRequest, tok: TextTokenizer, cfg: ModelConfig, virtualTokens: number): PreparedDataset {
  const parsed = parseDataset(req.text, req.fileName);
  const errors = [...parsed.errors];
  const templateProblem = checkTemplate(req.template);
  if (templateProblem) errors.unshift({ line: 0, message: templateProblem });
  const { kind, labels } = detectLabels(parsed.examples);
  const split = splitExamples(parsed.examples, { fraction: req.validationFraction, seed: req.seed, stratify: kind === 'classification' });
  const targetOptions = req.target ?? DEFAULT_TARGET_OPTIONS;
  const options = {
    template: req.template,
    target: targetOptions,
    eosTokenId: kind === 'generation' ? tok.eosTokenId : null,
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
    kind,
    labels: {
      names,
      counts: labels.map((l) => l.count),
      tokens: kind === 'classification' ? names.map((n) => tok.encode(targetText(n, targetOptions))) : [],
    },
    train: train?.rows ?? [],
    validation: validation?.rows ?? [],
    tooLong,
    preview: first
      ? { text: renderTemplate(req.template, first.input), target: targetText(first.output, targetOptions), tokens: first.prompt.length + first.target.length }
      : { text: '', target: '', tokens: 0 },
    template: req.template,
    target: targetOptions,
  };
}
