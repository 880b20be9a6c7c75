// Learning curve: "how many examples do I need?". The training split is put in one seeded order — for
// classification the labels interleave (each label's rows shuffled, then taken one per label in turn), so every
// prefix holds the labels in balance — and nested subsets are its prefixes (8 ⊂ 16 ⊂ 32 …; a size past the split is
// the whole split). For each size and each of N seeds a prompt trains from scratch (seed + s; no evaluation during
// training) and is scored on the validation split; the untuned model, which sees no training rows, is the
// horizontal line, scored once. Each finished point is reported as it ends; a stop keeps what finished.
import type { CausalLM } from '../engine/model/causal-lm.ts';
import type { ExtraInputs } from '../engine/model/batch.ts';
import type { EncodedExample } from './data/encoded.ts';
import { labelOf } from './data/labels.ts';
import type { EvaluationReport } from './evaluate.ts';
import { metricValues, summarize, type MetricSummary, type MetricValues } from './cross-validate.ts';
import { Rng } from './random.ts';
import { Trainer } from './trainer.ts';
import type { TrainConfig } from './train-config.ts';

export interface CurveRun {
  size: number; // training rows used
  seed: number;
  tuned: MetricValues;
  steps: number;
  seconds: number;
}

export interface CurvePointSummary {
  size: number;
  tuned: Record<string, MetricSummary>; // over the seeds
}

export interface LearningCurveResult {
  kind: 'classification' | 'generation';
  sizes: number[];
  seeds: number;
  runs: CurveRun[];
  points: CurvePointSummary[];
  baseline: MetricValues; // the untuned model on the validation split
  stopped: boolean;
  seconds: number;
}

export interface CurveContext {
  lm: CausalLM;
  kind: 'classification' | 'generation';
  train: EncodedExample[];
  validation: EncodedExample[];
  evaluate(examples: EncodedExample[], extras: ExtraInputs): Promise<EvaluationReport>;
}

export interface CurveHooks {
  onRun?(run: CurveRun, done: number, total: number): void;
  onProgress?(message: string, fraction: number): void;
  shouldStop?(): boolean;
}

/** Indices of `outputs` in the nested-subset order (labels interleaved when stratified). */
export function nestedOrder(outputs: readonly string[], seed: number, stratify: boolean): number[] {
  const rng = new Rng(seed);
  const groups = new Map<string, number[]>();
  outputs.forEach((o, i) => {
    const key = stratify ? labelOf(o) : '';
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const shuffled = [...groups.keys()].sort().map((k) => rng.shuffle(groups.get(k) ?? []));
  const order: number[] = [];
  for (let i = 0; order.length < outputs.length; i++) for (const g of shuffled) if (i < g.length) order.push(g[i]);
  return order;
}

export async function learningCurve(ctx: CurveContext, config: TrainConfig, sizes: readonly number[], seeds: number, hooks: CurveHooks = {}): Promise<LearningCurveResult> {
  const t0 = performance.now();
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new RangeError(`curve sizes must be whole numbers ≥ 1 (got ${sizes.join(', ')})`);
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`seeds must be a whole number ≥ 1 (got ${seeds})`);
  if (ctx.validation.length === 0) throw new Error('a learning curve is measured on the validation split, and it is empty');
  const order = nestedOrder(ctx.train.map((r) => r.output), config.seed, ctx.kind === 'classification');
  const used = [...new Set(sizes.map((n) => Math.min(n, ctx.train.length)))].sort((a, b) => a - b);
  const stopped = () => hooks.shouldStop?.() ?? false;
  hooks.onProgress?.(`scoring the untuned model on ${ctx.validation.length} rows`, 0);
  const baseline = metricValues(await ctx.evaluate(ctx.validation, {}));
  const runs: CurveRun[] = [];
  const total = used.length * seeds;
  let wasStopped = false;
  outer: for (const size of used) {
    const subset = order.slice(0, size).map((i) => ctx.train[i]);
    for (let s = 0; s < seeds; s++) {
      if (stopped()) {
        wasStopped = true;
        break outer;
      }
      const r0 = performance.now();
      const seed = config.seed + s;
      const trainer = new Trainer(ctx.lm, { ...config, seed, startFrom: null }, subset);
      const outcome = await trainer.run({
        onStep: (rep) => {
          if (stopped()) trainer.stop();
          hooks.onProgress?.(`${size} examples${seeds > 1 ? `, seed ${s + 1} of ${seeds}` : ''}: step ${rep.step} of ${config.steps}`, (runs.length + rep.step / (config.steps + 1)) / total);
        },
      });
      if (outcome.phase === 'stopped') {
        wasStopped = true;
        break outer;
      }
      const tuned = metricValues(await ctx.evaluate(ctx.validation, trainer.currentExtras().extras));
      const run: CurveRun = { size, seed, tuned, steps: outcome.steps, seconds: (performance.now() - r0) / 1000 };
      runs.push(run);
      hooks.onRun?.(run, runs.length, total);
    }
  }
  const points = used
    .map((size) => runs.filter((r) => r.size === size))
    .filter((rs) => rs.length > 0)
    .map((rs) => ({ size: rs[0].size, tuned: Object.fromEntries(Object.keys(rs[0].tuned).map((m) => [m, summarize(rs.map((r) => r.tuned[m]))])) }));
  return { kind: ctx.kind, sizes: used, seeds, runs, points, baseline, stopped: wasStopped, seconds: (performance.now() - t0) / 1000 };
}
