// Brittleness: how much a prompt's score moves when the template is reworded in ways that should not matter.
// Each variant of the template re-renders the validation rows (tokenised as the rows are); the untuned model, the
// hand-written instruction (typed before the template) and the tuned prompt are scored under every variant, and
// each gets its values, mean, sample standard deviation and spread (max − min). Default variants, from the
// template itself: the original, spacing (a blank line between lines), casing (the template's own words in lower
// case), punctuation (":" as " -"), and a synonym for the input's field name ("Review:" → "Text:").
import type { ExtraInputs } from '../engine/model/batch.ts';
import type { EncodedExample } from './data/encoded.ts';
import type { EvaluationReport } from './evaluate.ts';
import { metricValues, summarize, type MetricSummary, type MetricValues } from './cross-validate.ts';

export interface TemplateVariant {
  name: string;
  template: string;
}

const INPUT = '{input}';

/** Lower-cases the text around the placeholders, leaving `{input}` as it is. */
function lowerOutside(template: string): string {
  return template.split(INPUT).map((part) => part.toLowerCase()).join(INPUT);
}

const SYNONYMS: Record<string, string> = {
  review: 'Text', sentence: 'Text', text: 'Passage', input: 'Text', question: 'Query', word: 'Term', words: 'Terms',
  country: 'Nation', math: 'Problem', document: 'Text', article: 'Text', query: 'Question',
};

/** The default variants of a template (the original first); variants that equal an earlier one are left out. */
export function defaultVariants(template: string): TemplateVariant[] {
  const variants: TemplateVariant[] = [{ name: 'original', template }];
  variants.push({ name: 'spacing', template: template.replace(/\n/g, '\n\n') });
  variants.push({ name: 'casing', template: lowerOutside(template) });
  variants.push({ name: 'punctuation', template: template.split(INPUT).map((p) => p.replace(/:/g, ' -')).join(INPUT) });
  // The field name: the word right before "{input}" (after optional ": "), e.g. "Review" in "Review: {input}".
  const field = /([A-Za-z]+)(\s*:?\s*)\{input\}/.exec(template);
  if (field) {
    const word = field[1];
    const synonym = SYNONYMS[word.toLowerCase()] ?? (word.toLowerCase() === 'text' ? 'Passage' : 'Text');
    const cased = word[0] === word[0].toLowerCase() ? synonym.toLowerCase() : synonym;
    variants.push({ name: `synonym (${word} → ${cased})`, template: template.slice(0, field.index) + cased + template.slice(field.index + word.length) });
  }
  const seen = new Set<string>();
  return variants.filter((v) => v.template.includes(INPUT) && !seen.has(v.template) && seen.add(v.template));
}

/** Variants typed by the user, one template per line (`\n` written as the two characters \n); blank lines ignored. */
export function parseVariants(text: string): TemplateVariant[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l, i) => ({ name: `variant ${i + 1}`, template: l.replace(/\\n/g, '\n') }));
}

export interface BrittlenessSetup {
  name: 'untuned' | 'instruction' | 'tuned';
  textBefore: string; // typed before the template ('' for none)
  extras: ExtraInputs;
}

export interface BrittlenessRow {
  name: BrittlenessSetup['name'];
  values: MetricValues[]; // one per variant, in variant order
  summary: Record<string, MetricSummary & { spread: number }>;
}

export interface BrittlenessResult {
  variants: TemplateVariant[];
  rows: BrittlenessRow[];
  stopped: boolean;
}

export interface BrittlenessContext {
  /** The validation rows re-rendered with `template`, `textBefore` in front. */
  render(template: string, textBefore: string): EncodedExample[];
  evaluate(examples: EncodedExample[], extras: ExtraInputs): Promise<EvaluationReport>;
}

export async function measureBrittleness(
  ctx: BrittlenessContext,
  variants: readonly TemplateVariant[],
  setups: readonly BrittlenessSetup[],
  hooks: { onProgress?(message: string, fraction: number): void; shouldStop?(): boolean } = {},
): Promise<BrittlenessResult> {
  const bad = variants.find((v) => !v.template.includes(INPUT));
  if (bad) throw new Error(`the template variant ${JSON.stringify(bad.template)} has no {input}`);
  if (variants.length === 0) throw new Error('give at least one template variant');
  const rows: BrittlenessRow[] = setups.map((s) => ({ name: s.name, values: [], summary: {} }));
  const total = variants.length * setups.length;
  let done = 0;
  let stopped = false;
  outer: for (const v of variants) {
    for (let k = 0; k < setups.length; k++) {
      if (hooks.shouldStop?.()) {
        stopped = true;
        break outer;
      }
      hooks.onProgress?.(`${setups[k].name} under “${v.name}”`, done / total);
      rows[k].values.push(metricValues(await ctx.evaluate(ctx.render(v.template, setups[k].textBefore), setups[k].extras)));
      done++;
    }
  }
  for (const row of rows) {
    const names = row.values.length ? Object.keys(row.values[0]) : [];
    row.summary = Object.fromEntries(
      names.map((m) => {
        const vals = row.values.map((x) => x[m]);
        return [m, { ...summarize(vals), spread: Math.max(...vals) - Math.min(...vals) }];
      }),
    );
  }
  return { variants: [...variants], rows, stopped };
}
