// Meta-training a prompt's starting point over a collection of tasks (MetaPrompting: MAML over the prompt's
// initial value; Reptile; Meta-SGD's learned step sizes). Each outer step averages `metaBatch` episodes'
// meta-gradients (maml.ts) and applies them to θ with AdamW; the result is a saved initialisation
// (init-file.ts) that a later run on a new task starts from. The frozen LM is any CausalLM: WebGPU in the
// studio, the float64 CPU engine on the command line.
import type { CausalLM } from '../../engine/model/causal-lm.ts';
import type { Grads, Params } from '../nn/dense.ts';
import type { MethodOptions, TuningMethod } from '../methods/method.ts';
import { checkMethodOptions, methodFor } from '../methods/registry.ts';
import type { EncodedExample } from '../data/encoded.ts';
import { toTrainingBatch } from '../data/encoded.ts';
import { AdamW, DEFAULT_ADAMW } from '../optim.ts';
import { Rng } from '../random.ts';
import { checkTasks, sampleEpisode, type MetaTask } from './episodes.ts';
import { adaptInner, averageGrads, metaSgdStepSizeGradient, reptileGradient, type InnerOptimizer, type Objective } from './maml.ts';

export type MetaAlgorithm = 'fomaml' | 'reptile';

export interface MetaTrainConfig {
  method: MethodOptions;
  algorithm: MetaAlgorithm;
  /** Meta-SGD: learn a step size per parameter (FO-MAML with the SGD inner loop only). */
  metaSgd: boolean;
  innerOptimizer: InnerOptimizer;
  innerSteps: number; // k: adaptation steps per episode
  innerLr: number; // α (Meta-SGD's starting value)
  metaLr: number; // AdamW's learning rate on θ
  metaBatch: number; // episodes averaged per outer update
  outerSteps: number;
  supportSize: number;
  querySize: number;
  clipNorm: number; // per inner step, as the studio trainer clips
  seed: number;
}

/**
 * Defaults: the inner loop is the studio's own adaptation (AdamW at its default lr 3e-2) for 5 steps, so the
 * start is trained for exactly the procedure it will later be judged by; meta lr 1e-2 (below the inner lr,
 * as in MetaPrompting's setup, so θ moves by averages rather than by single episodes).
 */
export const DEFAULT_META_CONFIG: Omit<MetaTrainConfig, 'method'> = {
  algorithm: 'fomaml',
  metaSgd: false,
  innerOptimizer: 'adam',
  innerSteps: 5,
  innerLr: 3e-2,
  metaLr: 1e-2,
  metaBatch: 2,
  outerSteps: 40,
  supportSize: 8,
  querySize: 8,
  clipNorm: 1,
  seed: 42,
};

export function checkMetaConfig(c: MetaTrainConfig): string[] {
  const p: string[] = [];
  const whole = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 1) p.push(`${name} must be a whole number ≥ 1 (got ${v})`);
  };
  whole(c.innerSteps, 'inner steps');
  whole(c.metaBatch, 'episodes per meta-step');
  whole(c.outerSteps, 'meta-steps');
  whole(c.supportSize, 'support size');
  whole(c.querySize, 'query size');
  if (!(c.innerLr > 0)) p.push(`inner learning rate must be > 0 (got ${c.innerLr})`);
  if (!(c.metaLr > 0)) p.push(`meta learning rate must be > 0 (got ${c.metaLr})`);
  if (c.metaSgd && c.innerOptimizer !== 'sgd') p.push('Meta-SGD learns SGD step sizes: set the inner optimiser to SGD');
  if (c.metaSgd && c.algorithm !== 'fomaml') p.push('Meta-SGD is defined on the MAML update: pick FO-MAML');
  return p;
}

export interface MetaStepReport {
  step: number; // 1-based outer step
  tasks: string[]; // the episodes' tasks
  supportLossBefore: number; // mean loss on the support sets at θ (before adaptation)
  queryLossAfter: number; // mean loss on the query sets after k inner steps: the meta-objective
  seconds: number;
}

/** Loss and parameter gradient of a set of examples through a method's encoder and the frozen LM. */
export function examplesObjective(lm: CausalLM, method: TuningMethod<MethodOptions>, options: MethodOptions, examples: readonly EncodedExample[]): Objective {
  const batch = toTrainingBatch(examples, lm.config);
  return async (params) => {
    const fwd = method.forward(params, options, lm.config);
    const { loss, grad } = await lm.lossAndGrad(batch, fwd.extras);
    if (!grad) throw new Error('the engine returned no gradient for the trainable input');
    return { loss, grads: method.backward(params, options, lm.config, fwd, grad) };
  };
}

export class MetaTrainer {
  readonly method: TuningMethod<MethodOptions>;
  theta: Params;
  /** Meta-SGD's learned step sizes (null unless metaSgd). */
  stepSizes: Record<string, Float32Array> | null;
  step = 0;
  readonly history: MetaStepReport[] = [];
  private readonly rng: Rng;
  private readonly outer: AdamW;
  private readonly outerStepSizes: AdamW | null;
  private stopRequested = false;

  constructor(
    readonly lm: CausalLM,
    readonly config: MetaTrainConfig,
    readonly tasks: readonly MetaTask[],
    initial?: Params,
  ) {
    this.method = methodFor(config.method);
    const problems = [...checkMetaConfig(config), ...checkTasks(tasks, config), ...checkMethodOptions(config.method, lm.config)];
    if (problems.length > 0) throw new Error(`invalid meta-training setup: ${problems.join('; ')}`);
    this.rng = new Rng(config.seed);
    this.theta = initial ?? this.method.init({ cfg: lm.config, embed: lm.weights.embed, rng: this.rng }, config.method);
    const sizes = Object.fromEntries(Object.entries(this.theta).map(([k, t]) => [k, t.data.length]));
    this.outer = new AdamW(sizes, DEFAULT_ADAMW);
    this.stepSizes = config.metaSgd ? Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, new Float32Array(n).fill(config.innerLr)])) : null;
    this.outerStepSizes = config.metaSgd ? new AdamW(sizes, DEFAULT_ADAMW) : null;
  }

  stop(): void {
    this.stopRequested = true;
  }

  /** One outer update from `metaBatch` episodes. */
  async metaStep(): Promise<MetaStepReport> {
    const t0 = performance.now();
    const c = this.config;
    const thetaGrads: Grads[] = [];
    const stepSizeGrads: Grads[] = [];
    const tasks: string[] = [];
    let before = 0;
    let after = 0;
    for (let e = 0; e < c.metaBatch; e++) {
      const episode = sampleEpisode(this.tasks, c, this.rng);
      tasks.push(episode.task);
      const support = examplesObjective(this.lm, this.method, c.method, episode.support);
      const query = examplesObjective(this.lm, this.method, c.method, episode.query);
      const inner = await adaptInner(this.theta, support, c.innerSteps, this.stepSizes ?? c.innerLr, c.innerOptimizer, c.clipNorm);
      before += inner.supportLosses[0] / c.metaBatch;
      if (c.algorithm === 'reptile') {
        // Reptile needs no query gradient; the query loss is still measured, for the chart.
        after += (await query(inner.adapted)).loss / c.metaBatch;
        thetaGrads.push(reptileGradient(this.theta, inner.adapted));
      } else {
        const q = await query(inner.adapted);
        after += q.loss / c.metaBatch;
        thetaGrads.push(q.grads);
        if (this.stepSizes) stepSizeGrads.push(metaSgdStepSizeGradient(inner.supportGrads, q.grads));
      }
    }
    if (!Number.isFinite(after) || !Number.isFinite(before))
      throw new Error(`meta-training diverged at meta-step ${this.step + 1} (query loss ${after}); lower the inner or meta learning rate`);
    const data = (p: Record<string, { data: Float32Array }>) => Object.fromEntries(Object.entries(p).map(([k, t]) => [k, t.data]));
    this.outer.step(data(this.theta), averageGrads(thetaGrads), c.metaLr);
    if (this.stepSizes && this.outerStepSizes) {
      // Step sizes move on their own scale (a tenth of the inner lr per update) and stay ≥ 0: a negative step
      // size would be gradient ascent, which no adaptation should learn to do.
      this.outerStepSizes.step(this.stepSizes, averageGrads(stepSizeGrads), c.innerLr * 0.1);
      for (const a of Object.values(this.stepSizes)) for (let i = 0; i < a.length; i++) if (a[i] < 0) a[i] = 0;
    }
    this.step += 1;
    const report = { step: this.step, tasks, supportLossBefore: before, queryLossAfter: after, seconds: (performance.now() - t0) / 1000 };
    this.history.push(report);
    return report;
  }

  async run(onStep?: (r: MetaStepReport) => void): Promise<{ steps: number; reason: string }> {
    this.stopRequested = false;
    while (this.step < this.config.outerSteps) {
      if (this.stopRequested) return { steps: this.step, reason: `stopped by the user at meta-step ${this.step}` };
      onStep?.(await this.metaStep());
      await new Promise((r) => setTimeout(r, 0)); // let stop messages in between steps
    }
    return { steps: this.step, reason: `finished ${this.step} meta-steps` };
  }
}
