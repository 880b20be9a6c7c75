// From the user's text to what the trainer needs: parse (line errors), check the template, split train /
// validation (the file's split column, else a seeded split stratified by label), decide classification vs free
// text, tokenise, and report rows too long for the model (never cut them).
import type { ModelConfig } from '../../engine/model/config.ts';
import type { EncodedExample } from './encoded.ts';
import { parseDataset, type LineError, type RawExample } from './parse.ts';
import { checkTemplate, renderTemplate, targetText } from './template.ts';
import type { TextTokenizer } from './tokenizer.ts';
import { Rng } from '../random.ts';

export interface DatasetRequest {
  text: string;
  fileName: string;
  template: string;
  validationFraction: number;
  seed: number;
}

export type TaskKind = 'classification' | 'generation';

export interface PreparedDataset {
  ok: boolean;
  errors: LineError[];
  kind: TaskKind;
  labels: { names: string[]; counts: number[]; tokens: number[][] };
  train: EncodedExample[];
  validation: EncodedExample[];
  tooLong: { row: number; tokens: number; limit: number }[];
  preview: { text: string; target: string; tokens: number };
  template: string;
}

/** Classification when few distinct outputs each repeat: ≤ 20 labels, every one seen at least twice. */
export function detectTask(examples: RawExample[]): { kind: TaskKind; labels: { label: string; count: number }[] } {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.output.trim(), (counts.get(e.output.trim()) ?? 0) + 1);
  const labels = [...counts.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => a.label.localeCompare(b.label));
  const kind = labels.length >= 2 && labels.length <= 20 && labels.every((l) => l.count >= 2) ? 'classification' : 'generation';
  return { kind, labels };
}

/** The file's own split when every row has one; else a seeded split, stratified by output for classification. */
export function splitExamples(examples: RawExample[], fraction: number, seed: number, stratify: boolean): { train: RawExample[]; validation: RawExample[] } {
  if (examples.length > 0 && examples.every((e) => e.split)) {
    return { train: examples.filter((e) => e.split === 'train'), validation: examples.filter((e) => e.split === 'validation') };
  }
  const rng = new Rng(seed);
  const groups = new Map<string, RawExample[]>();
  for (const e of examples) {
    const key = stratify ? e.output.trim() : '';
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const train: RawExample[] = [];
  const validation: RawExample[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = rng.shuffle(groups.get(key) ?? []);
    const nVal = g.length > 1 ? Math.max(1, Math.round(g.length * fraction)) : 0;
    validation.push(...g.slice(0, nVal));
    train.push(...g.slice(nVal));
  }
  return { train: train.sort((a, b) => a.line - b.line), validation: validation.sort((a, b) => a.line - b.line) };
}

export function prepareDataset(req: DatasetRequest, tok: TextTokenizer, cfg: ModelConfig, virtualTokens: number): PreparedDataset {
  const parsed = parseDataset(req.text, req.fileName);
  const errors = [...parsed.errors];
  const templateProblem = checkTemplate(req.template);
  if (templateProblem) errors.unshift({ line: 0, message: templateProblem });
  const { kind, labels } = detectTask(parsed.examples);
  const split = splitExamples(parsed.examples, req.validationFraction, req.seed, kind === 'classification');
  const eos = kind === 'generation' && tok.eosTokenId !== null ? [tok.eosTokenId] : [];
  const limit = cfg.maxPositions - virtualTokens;
  const tooLong: PreparedDataset['tooLong'] = [];
  const encode = (e: RawExample): EncodedExample => {
    const prompt = tok.encode(renderTemplate(req.template, e.input));
    const target = [...tok.encode(targetText(e.output.trim())), ...eos];
    if (prompt.length + target.length > limit) tooLong.push({ row: e.line, tokens: prompt.length + target.length, limit });
    return { input: e.input, output: e.output.trim(), prompt, target };
  };
  const train = templateProblem ? [] : split.train.map(encode);
  const validation = templateProblem ? [] : split.validation.map(encode);
  for (const t of tooLong)
    errors.push({ line: t.row, message: `line ${t.row}: ${t.tokens} tokens with ${virtualTokens} virtual tokens exceed the model's ${cfg.maxPositions} positions; shorten it` });
  for (const e of [...train, ...validation])
    if (e.target.length === 0) errors.push({ line: 0, message: `the output "${e.output}" tokenises to nothing` });
  if (!templateProblem && parsed.examples.length > 0 && train.length === 0)
    errors.push({ line: 0, message: 'no training examples: mark some rows split=train or lower the validation fraction' });
  const first = train[0] ?? validation[0];
  const names = labels.map((l) => l.label);
  return {
    ok: errors.length === 0,
    errors: errors.sort((a, b) => a.line - b.line),
    kind,
    labels: { names, counts: labels.map((l) => l.count), tokens: kind === 'classification' ? names.map((n) => tok.encode(targetText(n))) : [] },
    train,
    validation,
    tooLong,
    preview: first
      ? { text: renderTemplate(req.template, first.input), target: targetText(first.output), tokens: first.prompt.length + first.target.length }
      : { text: '', target: '', tokens: 0 },
    template: req.template,
  };
}
