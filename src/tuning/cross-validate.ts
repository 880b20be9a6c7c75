// Cross-validation over folds and seeds. The dataset's rows (training and validation splits together) are dealt
// into K folds — stratified by label for classification: each label's rows, shuffled with the seed, are dealt
// round-robin, continuing where the previous label stopped, so every fold holds each label in proportion (as
// scikit-learn's StratifiedKFold aims for); free text: one seeded shuffle dealt round-robin. For each fold the
// others train and it validates: the untuned model is scored once per fold, and for each of N seeds a prompt is
// trained from scratch (the method's own init with seed `config.seed + s`; no evaluation on the held-out fold
// during training, so no early stopping peeks at it) and scored. Every finished run is reported as it ends; a
// stop keeps what finished. A hand-written instruction, when given, is scored on each fold too (before the
// template, the untuned model). Summaries: mean, sample standard deviation (n − 1; 0 for one value) and every value.
import type { CausalLM } from '../engine/model/causal-lm.ts';
import type { ExtraInputs } from '../engine/model/batch.ts';
import type { EncodedExample } from './data/encoded.ts';
import { labelOf } from './data/labels.ts';
import type { EvaluationReport } from './evaluate.ts';
import { Rng } from './random.ts';
import { Trainer } from './trainer.ts';
import type { TrainConfig } from './train-config.ts';

/** Metric name (as the CLI's JSON spells it) → value: accuracy, macro_f1 or exact_match, token_f1, rouge_l, chrf. */
export type MetricValues = Record<string, number>;

export interface MetricSummary {
  mean: number;
  std: number;
  values: number[];
}

export interface CvRun {
  fold: number; // 0-based
  seed: number; // the training seed used
  train: number; // rows
  validation: number;
  steps: number;
  finalLoss: number;
  outcome: string;
  baseline: MetricValues; // the untuned model on this fold (the same for every seed of the fold)
  instruction: MetricValues | null; // the hand-written instruction before the template, on this fold
  tuned: MetricValues;
  seconds: number;
}

export interface CvResult {
  kind: 'classification' | 'generation';
  folds: number;
  seeds: number;
  runs: CvRun[];
  /** Over every finished run (fold × seed). */
  tuned: Record<string, MetricSummary>;
  /** Over the folds reached (one value per fold). */
  baseline: Record<string, MetricSummary>;
  /** The hand-written instruction, over the same folds; null when none was given. */
  instruction: Record<string, MetricSummary> | null;
  stopped: boolean;
  seconds: number;
}

export interface CvOptions {
  folds: number; // ≥ 2; or 1: the dataset's own train / validation split, repeated over the seeds
  seeds: number;
}

export interface CvHooks {
  onRun?(run: CvRun, done: number, total: number): void;
  onProgress?(message: string, fraction: number): void;
  shouldStop?(): boolean;
}

export interface CvContext {
  lm: CausalLM;
  kind: 'classification' | 'generation';
  rows: EncodedExample[]; // every row, both splits
  /** The dataset's own split: used when `folds` is 1 (seeds only, no folding). */
  split?: { train: EncodedExample[]; validation: EncodedExample[] };
  evaluate(examples: EncodedExample[], extras: ExtraInputs): Promise<EvaluationReport>;
  /** The held-out rows with a hand-written instruction before the template (the hand-written baseline), if any. */
  handWritten?: (examples: EncodedExample[]) => EncodedExample[];
}

/** The fold (0..k-1) of each row. Stratified deals each label's shuffled rows round-robin across the folds. */
export function assignFolds(outputs: readonly string[], k: number, seed: number, stratify: boolean): number[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be a whole number ≥ 2 (got ${k})`);
  if (k > outputs.length) throw new RangeError(`${k} folds need at least ${k} rows (there are ${outputs.length})`);
  const rng = new Rng(seed);
  const groups = new Map<string, number[]>();
  outputs.forEach((o, i) => {
    const key = stratify ? labelOf(o) : '';
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const fold = new Array<number>(outputs.length).fill(0);
  let next = 0;
  for (const key of [...groups.keys()].sort()) for (const i of rng.shuffle(groups.get(key) ?? [])) fold[i] = next++ % k;
  return fold;
}

/** Mean, sample standard deviation (n − 1) and the values; NaN mean for none, std 0 for one. */
export function summarize(values: readonly number[]): MetricSummary {
  const n = values.length;
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : NaN;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : n === 1 ? 0 : NaN;
  return { mean, std, values: [...values] };
}

/** The metrics of one evaluation, named as in the CLI's JSON. */
export function metricValues(r: EvaluationReport): MetricValues {
  if (r.kind === 'classification') return { accuracy: r.accuracy, macro_f1: r.macroF1 ?? NaN };
  const t = r.text;
  return { exact_match: t?.exactMatch ?? r.accuracy, token_f1: t?.tokenF1 ?? NaN, rouge_l: t?.rougeL ?? NaN, chrf: t?.chrf ?? NaN };
}

function summarizeAll(records: readonly MetricValues[]): Record<string, MetricSummary> {
  const names = records.length ? Object.keys(records[0]) : [];
  return Object.fromEntries(names.map((m) => [m, summarize(records.map((r) => r[m]))]));
}

export async function crossValidate(ctx: CvContext, config: TrainConfig, options: CvOptions, hooks: CvHooks = {}): Promise<CvResult> {
  const t0 = performance.now();
  const { folds: k, seeds } = options;
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`seeds must be a whole number ≥ 1 (got ${seeds})`);
  let sets: { train: EncodedExample[]; validation: EncodedExample[] }[];
  if (k === 1) {
    if (!ctx.split || ctx.split.validation.length === 0) throw new Error('one fold means the dataset’s own split, and it has no validation rows');
    sets = [ctx.split];
  } else {
    const fold = assignFolds(ctx.rows.map((r) => r.output), k, config.seed, ctx.kind === 'classification');
    sets = Array.from({ length: k }, (_, f) => ({ train: ctx.rows.filter((_, i) => fold[i] !== f), validation: ctx.rows.filter((_, i) => fold[i] === f) }));
  }
  const runs: CvRun[] = [];
  const baselines: MetricValues[] = [];
  const instructions: MetricValues[] = [];
  const total = k * seeds;
  const stopped = () => hooks.shouldStop?.() ?? false;
  let wasStopped = false;
  outer: for (let f = 0; f < k; f++) {
    const { train, validation } = sets[f];
    if (stopped()) {
      wasStopped = true;
      break;
    }
    hooks.onProgress?.(`fold ${f + 1} of ${k}: scoring the untuned model on ${validation.length} rows`, runs.length / total);
    const baseline = metricValues(await ctx.evaluate(validation, {}));
    baselines.push(baseline);
    let instruction: MetricValues | null = null;
    if (ctx.handWritten) {
      hooks.onProgress?.(`fold ${f + 1} of ${k}: scoring the hand-written instruction`, runs.length / total);
      instruction = metricValues(await ctx.evaluate(ctx.handWritten(validation), {}));
      instructions.push(instruction);
    }
    for (let s = 0; s < seeds; s++) {
      if (stopped()) {
        wasStopped = true;
        break outer;
      }
      const r0 = performance.now();
      const seed = config.seed + s;
      const trainer = new Trainer(ctx.lm, { ...config, seed, startFrom: null }, train);
      const label = `fold ${f + 1} of ${k}${seeds > 1 ? `, seed ${s + 1} of ${seeds}` : ''}`;
      const outcome = await trainer.run({
        onStep: (rep) => {
          if (stopped()) trainer.stop();
          hooks.onProgress?.(`${label}: step ${rep.step} of ${config.steps}, loss ${rep.loss.toFixed(3)}`, (runs.length + rep.step / (config.steps + 1)) / total);
        },
      });
      if (outcome.phase === 'stopped') {
        wasStopped = true; // an unfinished run is not reported
        break outer;
      }
      hooks.onProgress?.(`${label}: scoring the tuned prompt`, (runs.length + config.steps / (config.steps + 1)) / total);
      const tuned = metricValues(await ctx.evaluate(validation, trainer.currentExtras().extras));
      const run: CvRun = {
        fold: f, seed, train: train.length, validation: validation.length, steps: outcome.steps, finalLoss: outcome.finalLoss, outcome: outcome.reason,
        baseline, instruction, tuned, seconds: (performance.now() - r0) / 1000,
      };
      runs.push(run);
      hooks.onRun?.(run, runs.length, total);
    }
  }
  const reached = wasStopped ? new Set(runs.map((r) => r.fold)).size : baselines.length;
  return {
    kind: ctx.kind,
    folds: k,
    seeds,
    runs,
    tuned: summarizeAll(runs.map((r) => r.tuned)),
    baseline: summarizeAll(baselines.slice(0, reached)),
    instruction: ctx.handWritten ? summarizeAll(instructions.slice(0, reached)) : null,
    stopped: wasStopped,
    seconds: (performance.now() - t0) / 1000,
  };
}
