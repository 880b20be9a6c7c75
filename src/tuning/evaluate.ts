// Evaluation, the same code for the untuned baseline (no extra input) and a tuned prompt:
// - classification: rank classification — score each label's continuation by its summed log-likelihood after
//   the prompt and pick the best — giving accuracy, macro-F1 and a confusion matrix;
//   with each prediction's margin (its log-likelihood minus the runner-up's);
// - free text: greedy generation (the engine's KV cache) scored by exact match, token F1, ROUGE-L and chrF
//   (metrics/generation.ts), per example and over the split; `accuracy` is the exact-match rate.
// Also the validation loss (mean CE over target tokens, as in training).
// Classification packs several examples (each with one row per label) into one engine call, as many as the engine's
// capacity holds (CausalLM.rowsPerCall); the validation loss then comes from the same scores (the true label's row is
// the training row). When every label is one token (the usual case) an example needs no label rows at all: one row
// of its prompt, and each label's score is the log-softmax of the next-token logits at its last token.
// Progress is reported after each call; a stop request is honoured between calls.
import type { CausalLM } from '../engine/model/causal-lm.ts';
import type { ExtraInputs } from '../engine/model/batch.ts';
import type { EncodedExample } from './data/encoded.ts';
import { padId, toTrainingBatch } from './data/encoded.ts';
import { IGNORE_INDEX, padBatch } from '../engine/model/batch.ts';
import { accuracy, confusionMatrix, macroF1 } from './metrics.ts';
import { aggregateText, scoreText, type ScoredText, type TextScores } from './metrics/generation.ts';

export type { TextScores } from './metrics/generation.ts';

export interface Prediction {
  input: string;
  expected: string;
  predicted: string;
  correct: boolean;
  /** Classification: log-likelihood of the chosen label minus the runner-up's (≥ 0); null for free text. */
  margin: number | null;
  /** Free text: this example's exact match, token F1, ROUGE-L and sentence chrF; null for classification. */
  scores: TextScores | null;
}

export interface EvaluationReport {
  kind: 'classification' | 'generation';
  labels: string[];
  accuracy: number;
  macroF1: number | null;
  confusion: number[][] | null; // [true][predicted]
  validationLoss: number;
  predictions: Prediction[];
  /** Free text: exact match, token F1, ROUGE-L (means, 0–1) and corpus chrF (0–100); null for classification. */
  text: TextScores | null;
  /** Examples scored, and how many the split has (fewer under an evaluation limit): shown beside every metric. */
  evaluated: number;
  available: number;
}

/** Evaluation was stopped by the user (shouldStop) before it finished. */
export class EvaluationStopped extends Error {
  constructor() {
    super('evaluation stopped');
    this.name = 'EvaluationStopped';
  }
}

export interface EvaluateOptions {
  /** After each engine call (classification) or example (generation): examples done of the total. */
  onProgress?: (done: number, total: number) => void;
  /** Asked between calls; true stops the evaluation with EvaluationStopped. */
  shouldStop?: () => boolean;
}

export interface LabelSet {
  names: string[]; // as shown to the user (the `output` values)
  tokens: number[][]; // each label's continuation as the model scores it
}

/** Mean cross-entropy over the target tokens of `examples`, batched. */
export async function validationLoss(lm: CausalLM, examples: EncodedExample[], extras: ExtraInputs, batchSize: number): Promise<number> {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const { loss, targets } = await lm.lossAndGrad(toTrainingBatch(examples.slice(i, i + batchSize), lm.config), extras, { grad: false });
    sum += loss * targets;
    count += targets;
  }
  return count > 0 ? sum / count : NaN;
}

const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Every label is a single token: its score is read off the prompt's next-token distribution. */
const singleTokenLabels = (labels: LabelSet) => labels.tokens.every((t) => t.length === 1);

/** Examples per engine call: whole examples (one row per label each, or one row when labels are single tokens), as
 *  many as the engine takes at once. */
export function examplesPerCall(lm: CausalLM, examples: readonly EncodedExample[], labels: LabelSet, extras: ExtraInputs): number {
  const longestPrompt = Math.max(0, ...examples.map((e) => e.prompt.length));
  if (singleTokenLabels(labels)) return lm.rowsPerCall(longestPrompt + (extras.virtualTokens ?? 0), 1);
  const longestLabel = Math.max(1, ...labels.tokens.map((t) => t.length));
  const rows = lm.rowsPerCall(longestPrompt + longestLabel + (extras.virtualTokens ?? 0), longestLabel);
  return Math.max(1, Math.floor(rows / Math.max(1, labels.tokens.length)));
}

/** Each example's label scores (summed log-likelihood of each label's tokens after its prompt), for `chunk`. */
async function labelScores(lm: CausalLM, chunk: readonly EncodedExample[], labels: LabelSet, extras: ExtraInputs): Promise<Float64Array[]> {
  const L = labels.tokens.length;
  if (singleTokenLabels(labels)) {
    const V = lm.config.vocabSize;
    const batch = padBatch(chunk.map((ex) => ex.prompt), chunk.map((ex) => ex.prompt.map(() => IGNORE_INDEX)), padId(lm.config), 'right');
    const logits = await lm.lastLogits(batch, extras);
    return chunk.map((_, j) => {
      const z = logits.subarray(j * V, (j + 1) * V);
      let max = -Infinity;
      for (let v = 0; v < V; v++) if (z[v] > max) max = z[v];
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(z[v] - max);
      const lse = max + Math.log(sum);
      return Float64Array.from(labels.tokens, ([id]) => z[id] - lse);
    });
  }
  const rows = chunk.flatMap((ex) => labels.tokens.map((c) => [...ex.prompt, ...c]));
  const rowLabels = chunk.flatMap((ex) => labels.tokens.map((c) => [...ex.prompt.map(() => IGNORE_INDEX), ...c]));
  const scores = await lm.scoreRows(padBatch(rows, rowLabels, padId(lm.config), 'right'), extras);
  return chunk.map((_, j) => scores.slice(j * L, (j + 1) * L));
}

export async function evaluateClassification(
  lm: CausalLM,
  examples: EncodedExample[],
  labels: LabelSet,
  extras: ExtraInputs,
  options: EvaluateOptions = {},
): Promise<EvaluationReport> {
  const predictions: Prediction[] = [];
  const truth: number[] = [];
  const predicted: number[] = [];
  const perCall = examplesPerCall(lm, examples, labels, extras);
  // The validation loss from the scores: -log p(true label) summed over its tokens, when each row's answer is
  // exactly its label's continuation (always, for rows built by data/prepare.ts).
  let lossSum = 0;
  let lossTokens = 0;
  let lossFromScores = true;
  const scoresOf: Float64Array[] = [];
  for (let i = 0; i < examples.length; i += perCall) {
    if (options.shouldStop?.()) throw new EvaluationStopped();
    scoresOf.push(...(await labelScores(lm, examples.slice(i, i + perCall), labels, extras)));
    options.onProgress?.(Math.min(i + perCall, examples.length), examples.length);
  }
  examples.forEach((ex, e) => {
    const scores = scoresOf[e];
    let best = 0;
    for (let k = 1; k < scores.length; k++) if (scores[k] > scores[best]) best = k;
    let second = -Infinity;
    for (let k = 0; k < scores.length; k++) if (k !== best && scores[k] > second) second = scores[k];
    const t = labels.names.indexOf(ex.output);
    truth.push(t);
    predicted.push(best);
    const margin = Number.isFinite(second) ? scores[best] - second : null;
    predictions.push({ input: ex.input, expected: ex.output, predicted: labels.names[best], correct: best === t, margin, scores: null });
    if (t >= 0 && sameIds(ex.target, labels.tokens[t])) {
      lossSum -= scores[t];
      lossTokens += labels.tokens[t].length;
    } else lossFromScores = false;
  });
  const n = labels.names.length;
  return {
    kind: 'classification',
    labels: labels.names,
    accuracy: accuracy(truth, predicted),
    macroF1: macroF1(truth, predicted, n),
    confusion: confusionMatrix(truth, predicted, n),
    validationLoss: lossFromScores ? (lossTokens > 0 ? lossSum / lossTokens : NaN) : await validationLoss(lm, examples, extras, lm.capacity.rows),
    predictions,
    text: null,
    evaluated: examples.length,
    available: examples.length,
  };
}

/** Greedy decoding of one prompt with the engine's KV cache (the prompt runs once, then one step per token). */
export async function greedyGenerate(
  lm: CausalLM,
  prompt: number[],
  extras: ExtraInputs,
  maxNewTokens: number,
  stopIds: number[],
): Promise<number[]> {
  return (await lm.generate(prompt, extras, { maxNewTokens, stopIds })).tokens;
}

export async function evaluateGeneration(
  lm: CausalLM,
  examples: EncodedExample[],
  extras: ExtraInputs,
  decode: (ids: number[]) => string,
  stopIds: number[],
  options: EvaluateOptions = {},
): Promise<EvaluationReport> {
  const predictions: Prediction[] = [];
  const scored: ScoredText[] = [];
  for (const ex of examples) {
    if (options.shouldStop?.()) throw new EvaluationStopped();
    const ids = await greedyGenerate(lm, ex.prompt, extras, ex.target.length + 2, stopIds);
    const text = decode(ids).trim();
    const s = scoreText(text, [ex.output]);
    scored.push(s);
    predictions.push({ input: ex.input, expected: ex.output, predicted: text, correct: s.scores.exactMatch === 1, margin: null, scores: s.scores });
    options.onProgress?.(predictions.length, examples.length);
  }
  const text = aggregateText(scored);
  return {
    kind: 'generation',
    labels: [],
    accuracy: predictions.length ? text.exactMatch : 0,
    macroF1: null,
    confusion: null,
    validationLoss: await validationLoss(lm, examples, extras, lm.capacity.rows),
    predictions,
    text,
    evaluated: examples.length,
    available: examples.length,
  };
}
