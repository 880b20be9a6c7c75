// The evaluation that shows what a start is worth: on a task held out of meta-training, accuracy after
// k = 0, 5, 10, 20, 50 steps of the studio's ordinary training (AdamW, constant learning rate, no warm-up, so
// every start gets the same procedure and the curve at k is the run that stopped at k) from each start.
import type { CausalLM } from '../../engine/model/causal-lm.ts';
import type { ExtraInputs } from '../../engine/model/batch.ts';
import type { Params } from '../nn/dense.ts';
import type { EncodedExample } from '../data/encoded.ts';
import { Trainer, cloneParams } from '../trainer.ts';
import type { TrainConfig } from '../train-config.ts';
import { methodFor } from '../methods/registry.ts';
import { clipGradNorm } from '../optim.ts';
import { Rng } from '../random.ts';
import { sgdStep } from './maml.ts';
import { examplesObjective } from './meta-trainer.ts';

export const CURVE_STEPS = [0, 5, 10, 20, 50] as const;

export interface CurveStart {
  name: string; // "meta-learned", "random", "vocab", "text"
  params: Params;
}

export interface CurvePoint {
  steps: number;
  accuracy: number;
  validationLoss: number;
}

export interface AdaptationCurve {
  start: string;
  points: CurvePoint[];
  seconds: number;
}

export type ExtrasEvaluator = (extras: ExtraInputs) => Promise<{ accuracy: number; validationLoss: number }>;

export async function adaptationCurve(
  lm: CausalLM,
  train: EncodedExample[],
  config: TrainConfig,
  start: CurveStart,
  evaluate: ExtrasEvaluator,
  steps: readonly number[] = CURVE_STEPS,
  onPoint?: (p: CurvePoint) => void,
): Promise<AdaptationCurve> {
  const t0 = performance.now();
  const last = Math.max(...steps);
  const trainer = new Trainer(lm, { ...config, steps: Math.max(1, last), warmupSteps: 0, schedule: 'constant', evalEvery: 0, earlyStopPatience: 0 }, train, {
    params: cloneParams(start.params),
  });
  const points: CurvePoint[] = [];
  for (let k = 0; k <= last; k++) {
    if (steps.includes(k)) {
      const r = await evaluate(trainer.currentExtras().extras);
      const point = { steps: k, accuracy: r.accuracy, validationLoss: r.validationLoss };
      points.push(point);
      onPoint?.(point);
    }
    if (k < last) await trainer.trainStep();
  }
  return { start: start.name, points, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Meta-SGD's own adaptation: plain SGD with the learned per-parameter step sizes (φ ← φ − α ⊙ g, g clipped as in
 * meta-training), batches drawn as the trainer draws them (seeded shuffles of the training split). Without this
 * the learned step sizes would be saved but never used.
 */
export async function stepSizeAdaptationCurve(
  lm: CausalLM,
  train: EncodedExample[],
  config: TrainConfig,
  start: CurveStart,
  stepSizes: Record<string, Float32Array>,
  evaluate: ExtrasEvaluator,
  steps: readonly number[] = CURVE_STEPS,
  onPoint?: (p: CurvePoint) => void,
): Promise<AdaptationCurve> {
  const t0 = performance.now();
  const method = methodFor(config.method);
  const params = cloneParams(start.params);
  const rng = new Rng(config.seed);
  let order: number[] = [];
  const nextBatch = () => {
    const batch: EncodedExample[] = [];
    while (batch.length < Math.min(config.batchSize, train.length)) {
      if (order.length === 0) order = rng.shuffle(Array.from({ length: train.length }, (_, i) => i));
      batch.push(train[order.pop()!]);
    }
    return batch;
  };
  const points: CurvePoint[] = [];
  const last = Math.max(...steps);
  for (let k = 0; k <= last; k++) {
    if (steps.includes(k)) {
      const r = await evaluate(method.forward(params, config.method, lm.config).extras);
      const point = { steps: k, accuracy: r.accuracy, validationLoss: r.validationLoss };
      points.push(point);
      onPoint?.(point);
    }
    if (k < last) {
      const { grads } = await examplesObjective(lm, method, config.method, nextBatch())(params);
      clipGradNorm(grads, config.clipNorm);
      sgdStep(params, grads, stepSizes);
    }
  }
  return { start: start.name, points, seconds: (performance.now() - t0) / 1000 };
}

/** The first checkpoint k at which a curve reaches `accuracy` (null if it never does within the curve). */
export function stepsToReach(curve: AdaptationCurve, accuracy: number): number | null {
  return curve.points.find((p) => p.accuracy >= accuracy - 1e-9)?.steps ?? null;
}

/** The first checkpoint k at which a curve's validation loss is at or below `loss` (null if never). */
export function stepsToReachLoss(curve: AdaptationCurve, loss: number): number | null {
  return curve.points.find((p) => p.validationLoss <= loss + 1e-12)?.steps ?? null;
}

export interface MetaVerdict {
  metaAccuracyAt10: number;
  /** The same comparison on validation loss, which keeps resolving once accuracy saturates at 1. */
  metaLossAt10: number;
  bestOtherByLoss: { start: string; stepsToReach: number | null };
  bestOther: { start: string; stepsToReach: number | null };
  /** stepsToReach of the best other start ÷ 10; null when no other start reaches it within the curve. */
  speedup: number | null;
  sentence: string;
}

/** The yardstick: the accuracy the meta-learned start has after 10 steps, and how long the others need. */
export function metaVerdict(curves: readonly AdaptationCurve[], metaName = 'meta-learned'): MetaVerdict {
  const meta = curves.find((c) => c.start === metaName);
  if (!meta) throw new Error(`no curve named ${metaName}`);
  const point10 = meta.points.find((p) => p.steps === 10);
  if (!point10) throw new Error('the verdict compares accuracies after 10 steps: include 10 in the curve steps');
  const at10 = point10.accuracy;
  // Other views of the meta-learned start (its Meta-SGD adaptation) are not rivals to it.
  const rivals = curves.filter((c) => !c.start.startsWith(metaName));
  const others = rivals.map((c) => ({ start: c.start, stepsToReach: stepsToReach(c, at10) }));
  others.sort((a, b) => (a.stepsToReach ?? Infinity) - (b.stepsToReach ?? Infinity));
  const bestOther = others[0] ?? { start: 'none', stepsToReach: null };
  const lossAt10 = point10.validationLoss;
  const byLoss = rivals.map((c) => ({ start: c.start, stepsToReach: stepsToReachLoss(c, lossAt10) }));
  byLoss.sort((a, b) => (a.stepsToReach ?? Infinity) - (b.stepsToReach ?? Infinity));
  const bestOtherByLoss = byLoss[0] ?? { start: 'none', stepsToReach: null };
  const last = Math.max(...meta.points.map((p) => p.steps));
  const speedup = bestOther.stepsToReach === null ? null : bestOther.stepsToReach / 10;
  const reach = (b: { start: string; stepsToReach: number | null }) =>
    b.stepsToReach === null ? `no other start reaches it within ${last} steps` : `the best other start (${b.start}) needs ${b.stepsToReach} steps (${(b.stepsToReach / 10).toFixed(1)}×)`;
  const sentence =
    `after 10 steps the meta-learned start has accuracy ${at10.toFixed(3)}; ${reach(bestOther)}. ` +
    `Its validation loss after 10 steps is ${lossAt10.toFixed(4)}; ${reach(bestOtherByLoss)}.`;
  return { metaAccuracyAt10: at10, bestOther, metaLossAt10: lossAt10, bestOtherByLoss, speedup, sentence };
}
