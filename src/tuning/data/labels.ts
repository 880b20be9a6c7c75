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

/** Labels that differ only in case ("Positive" / "positive"), to be merged into the most frequent spelling. */
export interface LabelMerge {
  variants: string[]; // every spelling, most frequent first
  into: string;
}

/** What looks wrong with a label set without being an error: spellings that differ only in case (they become
 *  separate classes, and can tip a classification task into free text), and a single label for every row. */
export function labelWarnings(labels: readonly LabelCount[]): { warnings: string[]; merges: LabelMerge[] } {
  const groups = new Map<string, LabelCount[]>();
  for (const l of labels) {
    const key = l.label.toLowerCase();
    const g = groups.get(key);
    if (g) g.push(l);
    else groups.set(key, [l]);
  }
  const merges: LabelMerge[] = [];
  const warnings: string[] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const sorted = [...g].sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
    merges.push({ variants: sorted.map((l) => l.label), into: sorted[0].label });
    warnings.push(
      `the outputs ${sorted.map((l) => `"${l.label}" (${l.count})`).join(', ')} differ only in case, so they count as ${g.length} different labels; merge them into "${sorted[0].label}" if they mean the same`,
    );
  }
  if (labels.length === 1)
    warnings.push(`every row has the same output "${labels[0].label}": there is nothing to choose between, so the task is trained as free text; add rows with other outputs`);
  return { warnings, merges };
}
