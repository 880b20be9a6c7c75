// The training loop: sample a batch, run the method's encoder, ask the frozen LM for the loss and the gradient
// of its extra input, back through the encoder, clip, AdamW. Around it: periodic evaluation, early stopping,
// pause / resume / stop, a guard that stops on a non-finite loss and restores the last good parameters, and
// checkpoints from which a run resumes exactly (parameters, optimiser state, step, data order, RNG).
import type { CausalLM } from '../engine/model/causal-lm.ts';
import type { ExtraInputs } from '../engine/model/batch.ts';
import type { Grads, Params } from './nn/dense.ts';
import type { MethodForward, MethodOptions, TuningMethod } from './methods/method.ts';
import { checkMethodOptions, methodFor } from './methods/registry.ts';
import type { TrainConfig } from './train-config.ts';
import { checkTrainConfig } from './train-config.ts';
import type { EncodedExample } from './data/encoded.ts';
import { toTrainingBatch } from './data/encoded.ts';
import { AdamW, clipGradNorm, learningRateAt, type AdamWState } from './optim.ts';
import { Rng } from './random.ts';

export interface StepReport {
  step: number; // 1-based, after the update
  loss: number;
  learningRate: number;
  gradNorm: number;
  tokens: number; // tokens processed this step (virtual included)
  seconds: number; // wall time of this step
}

export interface EvalResult {
  step: number;
  validationLoss: number;
  accuracy: number;
  macroF1: number | null;
}

export interface TrainerHooks {
  onStep?(report: StepReport): void;
  /** Runs the evaluation; the trainer uses its accuracy for early stopping and best-parameter tracking. */
  evaluate?(step: number): Promise<EvalResult>;
  onEval?(result: EvalResult): void;
}

export type TrainerPhase = 'ready' | 'training' | 'paused' | 'done' | 'stopped' | 'diverged';

export interface TrainOutcome {
  phase: TrainerPhase;
  steps: number;
  finalLoss: number;
  reason: string;
}

/** Everything a run needs to continue exactly where it was (the studio's own checkpoint, beside the PEFT export). */
export interface TrainerState {
  options: MethodOptions;
  config: TrainConfig;
  step: number;
  params: Params;
  optimizer: AdamWState;
  dataOrder: number[]; // the current epoch's shuffled example indices
  dataCursor: number;
  rngState: number[];
  losses: number[];
}

export class Trainer {
  readonly method: TuningMethod<MethodOptions>;
  params: Params;
  step = 0;
  phase: TrainerPhase = 'ready';
  losses: number[] = [];
  private readonly optimizer: AdamW;
  private readonly rng: Rng;
  private order: number[] = [];
  private cursor = 0;
  private lastGood: Params;
  private pauseGate: { promise: Promise<void>; release: () => void } | null = null;
  private stopRequested = false;

  constructor(
    readonly lm: CausalLM,
    readonly config: TrainConfig,
    readonly train: EncodedExample[],
    initial?: { params: Params; state?: TrainerState },
  ) {
    const problems = trainSetupProblems(lm, config);
    if (problems.length > 0) throw new Error(`invalid training setup: ${problems.join('; ')}`);
    if (train.length === 0) throw new Error('there are no training examples: add some rows to the data table');
    this.method = methodFor(config.method);
    this.rng = new Rng(config.seed);
    this.params = initial?.params ?? this.method.init({ cfg: lm.config, embed: lm.weights.embed, rng: this.rng }, config.method);
    this.optimizer = new AdamW(
      Object.fromEntries(Object.entries(this.params).map(([k, t]) => [k, t.data.length])),
      { beta1: config.beta1, beta2: config.beta2, eps: 1e-8, weightDecay: config.weightDecay },
    );
    const state = initial?.state;
    if (state) {
      this.step = state.step;
      this.optimizer.loadState(state.optimizer);
      this.order = [...state.dataOrder];
      this.cursor = state.dataCursor;
      this.rng.setState(state.rngState);
      this.losses = [...state.losses];
    }
    this.lastGood = cloneParams(this.params);
  }

  /** A snapshot from which `new Trainer(lm, config, train, {params, state})` continues identically. */
  snapshot(): TrainerState {
    return {
      options: this.config.method,
      config: this.config,
      step: this.step,
      params: cloneParams(this.params),
      optimizer: this.optimizer.getState(),
      dataOrder: [...this.order],
      dataCursor: this.cursor,
      rngState: this.rng.getState(),
      losses: [...this.losses],
    };
  }

  /** The extra input the engine should see for the current parameters (for evaluation and generation). */
  currentExtras(): MethodForward {
    return this.method.forward(this.params, this.config.method, this.lm.config);
  }

  pause(): void {
    if (this.phase !== 'training' || this.pauseGate) return;
    let release = () => {};
    const promise = new Promise<void>((r) => (release = r));
    this.pauseGate = { promise, release };
    this.phase = 'paused';
  }

  resume(): void {
    if (!this.pauseGate) return;
    this.pauseGate.release();
    this.pauseGate = null;
    this.phase = 'training';
  }

  stop(): void {
    this.stopRequested = true;
    this.resume();
  }

  private nextBatchIndices(): number[] {
    const picked: number[] = [];
    const size = Math.min(this.config.batchSize, this.train.length);
    while (picked.length < size) {
      if (this.cursor >= this.order.length) {
        this.order = this.rng.shuffle(Array.from({ length: this.train.length }, (_, i) => i));
        this.cursor = 0;
      }
      picked.push(this.order[this.cursor++]);
    }
    return picked;
  }

  /** Inverted-dropout multipliers (0 or 1/(1-p)) for the extra input's values, or null when dropout is off. */
  private dropoutMask(values: Float32Array | undefined): Float32Array | null {
    const p = this.config.promptDropout ?? 0;
    if (!values || p <= 0) return null;
    const keep = 1 / (1 - p);
    return Float32Array.from(values, () => (this.rng.uniform() < p ? 0 : keep));
  }

  /** One optimisation step. Returns its report, or throws DivergedError after restoring the last good params. */
  async trainStep(): Promise<StepReport> {
    const t0 = performance.now();
    const indices = this.nextBatchIndices();
    const batch = toTrainingBatch(indices.map((i) => this.train[i]), this.lm.config);
    const fwd = this.method.forward(this.params, this.config.method, this.lm.config);
    const dropout = this.dropoutMask(fwd.extras.promptEmbeds ?? fwd.extras.prefix);
    const extras = dropout ? { ...fwd.extras, ...applyMask(fwd.extras, dropout) } : fwd.extras;
    const { loss, grad: rawGrad } = await this.batchLossAndGrad(indices, extras);
    const grad = rawGrad && dropout ? rawGrad.map((g, i) => g * dropout[i]) : rawGrad;
    if (!grad) throw new Error('the engine returned no gradient for the trainable input');
    if (!Number.isFinite(loss) || !allFinite(grad)) {
      this.params = cloneParams(this.lastGood);
      throw new DivergedError(
        `the loss became ${Number.isFinite(loss) ? 'finite but the gradient was not' : loss} at step ${this.step + 1}; ` +
          `restored the parameters of step ${this.step}. Lower the learning rate (now ${this.config.learningRate}) or enable gradient clipping.`,
      );
    }
    this.lastGood = cloneParams(this.params);
    const grads: Grads = this.method.backward(this.params, this.config.method, this.lm.config, fwd, grad);
    const gradNorm = clipGradNorm(grads, this.config.clipNorm);
    const lr = learningRateAt(this.step, this.config);
    this.optimizer.step(
      Object.fromEntries(Object.entries(this.params).map(([k, t]) => [k, t.data])),
      grads,
      lr,
    );
    this.step += 1;
    this.losses.push(loss);
    const tokens = batch.rows * (batch.columns + (fwd.extras.promptEmbeds ? this.config.method.virtualTokens : 0));
    return { step: this.step, loss, learningRate: lr, gradNorm, tokens, seconds: (performance.now() - t0) / 1000 };
  }

  /** Mean loss over the batch's target tokens and its gradient. A batch larger than the engine takes in one call
   *  is run in chunks and combined, weighted by target tokens: the same numbers as one call would give. */
  private async batchLossAndGrad(indices: number[], extras: ExtraInputs): Promise<{ loss: number; grad: Float32Array | null }> {
    const rows = Math.max(1, this.lm.capacity.rows);
    if (indices.length <= rows) return this.lm.lossAndGrad(toTrainingBatch(indices.map((i) => this.train[i]), this.lm.config), extras);
    let loss = 0;
    let targets = 0;
    let grad: Float32Array | null = null;
    for (let at = 0; at < indices.length; at += rows) {
      const chunk = toTrainingBatch(indices.slice(at, at + rows).map((i) => this.train[i]), this.lm.config);
      const r = await this.lm.lossAndGrad(chunk, extras);
      loss += r.loss * r.targets;
      targets += r.targets;
      if (r.grad) {
        grad ??= new Float32Array(r.grad.length);
        for (let k = 0; k < grad.length; k++) grad[k] += r.grad[k] * r.targets;
      }
    }
    if (grad) for (let k = 0; k < grad.length; k++) grad[k] /= targets;
    return { loss: loss / targets, grad };
  }

  /** Runs until `config.steps`, early stopping, stop(), or divergence. Resumes from `this.step`. */
  async run(hooks: TrainerHooks = {}): Promise<TrainOutcome> {
    this.phase = 'training';
    this.stopRequested = false;
    let best = -Infinity;
    let bestParams: Params | null = null;
    let sinceBest = 0;
    const { steps, evalEvery, earlyStopPatience } = this.config;
    try {
      while (this.step < steps) {
        if (this.pauseGate) await this.pauseGate.promise;
        if (this.stopRequested) return this.finish('stopped', `stopped by the user at step ${this.step}`);
        const report = await this.trainStep();
        hooks.onStep?.(report);
        const evalNow = hooks.evaluate && ((evalEvery > 0 && this.step % evalEvery === 0) || this.step === steps);
        if (evalNow && hooks.evaluate) {
          const result = await hooks.evaluate(this.step);
          hooks.onEval?.(result);
          if (result.accuracy > best) {
            best = result.accuracy;
            bestParams = cloneParams(this.params);
            sinceBest = 0;
          } else if (earlyStopPatience > 0 && ++sinceBest >= earlyStopPatience) {
            if (bestParams) this.params = bestParams;
            return this.finish('done', `early stop: no better validation accuracy in ${earlyStopPatience} evaluations (best ${best.toFixed(3)}, kept its parameters)`);
          }
        }
        // Yield to the event loop so pause/stop messages are handled between steps.
        await new Promise((r) => setTimeout(r, 0));
      }
      return this.finish('done', `finished ${steps} steps`);
    } catch (e) {
      if (e instanceof DivergedError) return this.finish('diverged', e.message);
      this.phase = 'stopped';
      throw e;
    }
  }

  private finish(phase: TrainerPhase, reason: string): TrainOutcome {
    this.phase = phase;
    return { phase, steps: this.step, finalLoss: this.losses.at(-1) ?? NaN, reason };
  }
}

/** Every reason this model and engine cannot run `config`, as sentences; empty when it can. */
export function trainSetupProblems(lm: CausalLM, config: TrainConfig): string[] {
  const problems = [...checkTrainConfig(config), ...checkMethodOptions(config.method, lm.config)];
  const P = config.method.virtualTokens;
  if (Number.isInteger(P) && P > lm.capacity.virtualTokens && P < lm.config.maxPositions)
    problems.push(`${P} virtual tokens: this engine holds at most ${lm.capacity.virtualTokens} for this model`);
  return problems;
}

export class DivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergedError';
  }
}

function applyMask(extras: ExtraInputs, mask: Float32Array): ExtraInputs {
  const apply = (x: Float32Array) => x.map((v, i) => v * mask[i]);
  return extras.promptEmbeds ? { promptEmbeds: apply(extras.promptEmbeds) } : { prefix: apply(extras.prefix!) };
}

export function cloneParams(p: Params): Params {
  return Object.fromEntries(Object.entries(p).map(([k, t]) => [k, { shape: [...t.shape], data: t.data.slice() }]));
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
