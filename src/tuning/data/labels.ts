// Is this a classification task (a small set of labels, evaluated by rank classification: accuracy, macro-F1)
// or free text (greedy generation, exact match)? Decided from the outputs alone: classification when there are
// at least 2 and at most `maxLabels` distinct outputs (after trimming) and every one of them appears at least
// `minCount` times. A label seen once cannot be both learned and validated, and many distinct outputs mean
// the answer is text to generate (capitals, antonyms), not a choice.

export type TaskKind = 'classification' | 'generation';

export interface LabelCount {
  label: string; // the trimmed output
  count: number;
}

export interface LabelSet {
  kind: TaskKind;
  labels: LabelCount[]; // every distinct output, sorted by label (stable across runs and splits)
}

export interface LabelRules {
  maxLabels: number;
  minCount: number;
}

// 20 covers topic and intent sets (AG News 4, TREC 6, DBpedia 14) while a list of free answers rarely repeats.
export const DEFAULT_LABEL_RULES: LabelRules = { maxLabels: 20, minCount: 2 };

/** The key an output is grouped and scored by. */
export function labelOf(output: string): string {
  return output.trim();
}

export function detectLabels(examples: readonly { output: string }[], rules: LabelRules = DEFAULT_LABEL_RULES): LabelSet {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(labelOf(e.output), (counts.get(labelOf(e.output)) ?? 0) + 1);
  // Plain code-unit order, not localeCompare: the order must not depend on the browser's locale.
  const labels = [...counts.entries()]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const few = labels.length >= 2 && labels.length <= rules.maxLabels;
  const kind: TaskKind = few && labels.every((l) => l.count >= rules.minCount) ? 'classification' : 'generation';
  return { kind, labels };
}
