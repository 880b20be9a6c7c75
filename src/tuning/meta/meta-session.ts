// Meta-learning as the studio and the command line run it, on any CausalLM: turn dataset files into tasks,
// meta-train (FO-MAML / Reptile / Meta-SGD) or multitask-train a start, and compare starts on a held-out task.
// Progress leaves through callbacks; nothing here knows about the worker or the terminal.
import type { CausalLM } from '../../engine/model/causal-lm.ts';
import type { TextTokenizer } from '../data/tokenizer.ts';
import { prepareDataset, type PreparedDataset } from '../data/prepare.ts';
import { evaluateClassification, evaluateGeneration } from '../evaluate.ts';
import type { MethodOptions } from '../methods/method.ts';
import { methodFor } from '../methods/registry.ts';
import type { Params } from '../nn/dense.ts';
import { Rng } from '../random.ts';
import type { TrainConfig } from '../train-config.ts';
import type { CheckpointModel } from '../export/checkpoint.ts';
import type { MetaTask } from './episodes.ts';
import { DEFAULT_META_CONFIG, MetaTrainer, type MetaStepReport, type MetaTrainConfig } from './meta-trainer.ts';
import { averageTaskPrompt, trainMultitask, type MultitaskStep } from './multitask.ts';
import type { MetaInit } from './init-file.ts';
import { adaptationCurve, stepSizeAdaptationCurve, metaVerdict, CURVE_STEPS, type AdaptationCurve, type CurvePoint, type CurveStart, type MetaVerdict } from './adaptation-curve.ts';

/** A dataset file as the user or the sample index gives it. */
export interface TaskSource {
  name: string;
  text: string;
  fileName: string;
  template: string;
}

export function prepareTask(source: TaskSource, tok: TextTokenizer, lm: CausalLM, virtualTokens: number, seed: number, validationFraction = 0.2): PreparedDataset {
  const d = prepareDataset({ text: source.text, fileName: source.fileName, template: source.template, validationFraction, seed }, tok, lm.config, virtualTokens);
  if (!d.ok) throw new Error(`task "${source.name}" has errors: ${d.errors.slice(0, 3).map((e) => (e.line ? `line ${e.line}: ` : '') + e.message).join('; ')}`);
  return d;
}

/** Meta-training sees only the training split of each task: the validation split stays unseen. */
export function toMetaTasks(sources: readonly TaskSource[], tok: TextTokenizer, lm: CausalLM, virtualTokens: number, seed: number): MetaTask[] {
  return sources.map((s) => ({ name: s.name, train: prepareTask(s, tok, lm, virtualTokens, seed).train }));
}

export interface MetaRunHooks {
  onMetaStep?(r: MetaStepReport): void;
  onMultitaskStep?(s: MultitaskStep): void;
  shouldStop?(): boolean;
}

export type MetaRunConfig =
  | (MetaTrainConfig & { kind: 'meta' })
  | { kind: 'multitask'; method: MethodOptions; rank: number; learningRate: number; steps: number; batchSize: number; clipNorm: number; seed: number };

/** What the studio's meta-learning panel asks for; the rest comes from the defaults (meta-trainer.ts). */
export interface MetaChoice {
  algorithm: 'fomaml' | 'reptile' | 'metasgd' | 'multitask';
  method: MethodOptions;
  steps: number; // meta-steps (multitask: optimiser steps)
  innerSteps: number;
  metaBatch: number;
  seed: number;
}

export function metaRunConfig(c: MetaChoice): MetaRunConfig {
  if (c.algorithm === 'multitask')
    return { kind: 'multitask', method: c.method, rank: 1, learningRate: 3e-2, steps: c.steps, batchSize: DEFAULT_META_CONFIG.supportSize, clipNorm: 1, seed: c.seed };
  const metaSgd = c.algorithm === 'metasgd';
  return {
    kind: 'meta',
    ...DEFAULT_META_CONFIG,
    method: c.method,
    algorithm: c.algorithm === 'reptile' ? 'reptile' : 'fomaml',
    metaSgd,
    // Meta-SGD learns SGD step sizes; Reptile's outer step is a fraction of the way to the adapted prompt.
    innerOptimizer: metaSgd ? 'sgd' : DEFAULT_META_CONFIG.innerOptimizer,
    innerLr: metaSgd ? 0.5 : DEFAULT_META_CONFIG.innerLr,
    metaLr: c.algorithm === 'reptile' ? 0.1 : DEFAULT_META_CONFIG.metaLr,
    innerSteps: c.innerSteps,
    metaBatch: c.metaBatch,
    outerSteps: c.steps,
    seed: c.seed,
  };
}

/** Trains a start over `tasks` and returns it as a named initialisation. */
export async function trainStart(
  lm: CausalLM,
  model: CheckpointModel,
  tasks: readonly MetaTask[],
  config: MetaRunConfig,
  name: string,
  heldOut: string | null,
  hooks: MetaRunHooks = {},
): Promise<MetaInit> {
  if (config.kind === 'multitask') {
    if (config.method.method !== 'prompt') throw new Error('multitask prompt tuning shares a soft prompt: pick prompt tuning as the method');
    const { params, losses } = await trainMultitask(lm, tasks, { ...config, method: config.method }, hooks.onMultitaskStep, hooks.shouldStop);
    const table = averageTaskPrompt(params, config.rank);
    return {
      name,
      method: config.method,
      model,
      provenance: { algorithm: 'multitask', metaSgd: false, tasks: tasks.map((t) => t.name), heldOut, outerSteps: losses.length, config: { ...config }, queryLosses: losses },
      params: { prompt_embeddings: { shape: [config.method.virtualTokens, lm.config.hidden], data: table } },
      stepSizes: null,
    };
  }
  const trainer = new MetaTrainer(lm, config, tasks);
  const stopWatch = setInterval(() => hooks.shouldStop?.() && trainer.stop(), 50);
  try {
    await trainer.run(hooks.onMetaStep);
  } finally {
    clearInterval(stopWatch);
  }
  return {
    name,
    method: config.method,
    model,
    provenance: {
      algorithm: config.algorithm,
      metaSgd: config.metaSgd,
      tasks: tasks.map((t) => t.name),
      heldOut,
      outerSteps: trainer.step,
      config: { ...config },
      queryLosses: trainer.history.map((h) => h.queryLossAfter),
    },
    params: trainer.theta,
    stepSizes: trainer.stepSizes,
  };
}

/** The starts a user could otherwise pick for this method (prompt tuning: random, vocabulary, text). */
export function ordinaryStarts(lm: CausalLM, options: MethodOptions, tok: TextTokenizer, seed: number): CurveStart[] {
  const method = methodFor(options);
  const make = (name: string, o: MethodOptions): CurveStart => ({
    name,
    params: method.init({ cfg: lm.config, embed: lm.weights.embed, encodeText: (t) => tok.encode(t), rng: new Rng(seed) }, o),
  });
  if (options.method !== 'prompt') return [make('default', options)];
  return (['random', 'vocab', 'text'] as const).map((init) => make(init, { ...options, init }));
}

export interface StartComparison {
  task: string;
  curves: AdaptationCurve[];
  verdict: MetaVerdict | null; // null when the curve has no k = 10 point
}

/** Accuracy-after-k-steps curves on `heldOut` from the meta-learned start and from every ordinary start. */
export async function compareStarts(
  lm: CausalLM,
  tok: TextTokenizer,
  heldOut: PreparedDataset & { name: string },
  init: { name: string; params: Params; stepSizes?: Record<string, Float32Array> | null },
  config: TrainConfig,
  options: { steps?: readonly number[]; validationLimit?: number; onPoint?: (start: string, p: CurvePoint) => void } = {},
): Promise<StartComparison> {
  const validation = heldOut.validation.slice(0, options.validationLimit ?? heldOut.validation.length);
  if (validation.length === 0) throw new Error(`held-out task "${heldOut.name}" has no validation examples to measure accuracy on`);
  const stopIds = heldOut.stopIds;
  const evaluate = async (extras: Parameters<typeof evaluateClassification>[3]) => {
    const r =
      heldOut.kind === 'classification'
        ? await evaluateClassification(lm, validation, { names: heldOut.labels.names, tokens: heldOut.labels.tokens }, extras)
        : await evaluateGeneration(lm, validation, extras, (ids) => tok.decode(ids), stopIds);
    return { accuracy: r.accuracy, validationLoss: r.validationLoss };
  };
  const starts: CurveStart[] = [{ name: 'meta-learned', params: init.params }, ...ordinaryStarts(lm, config.method, tok, config.seed)];
  const steps = options.steps ?? CURVE_STEPS;
  const curves: AdaptationCurve[] = [];
  for (const s of starts) curves.push(await adaptationCurve(lm, heldOut.train, config, s, evaluate, steps, (p) => options.onPoint?.(s.name, p)));
  // A Meta-SGD start also adapts the way it was meta-trained to: SGD with its learned step sizes.
  if (init.stepSizes) {
    const name = 'meta-learned + learned step sizes';
    curves.push(await stepSizeAdaptationCurve(lm, heldOut.train, config, starts[0], init.stepSizes, evaluate, steps, (p) => options.onPoint?.(name, p)));
    curves[curves.length - 1].start = name;
  }
  return { task: heldOut.name, curves, verdict: curves[0].points.some((p) => p.steps === 10) ? metaVerdict(curves) : null };
}
