// The hyper-parameters of one run, typed with defaults and validation. Defaults follow the papers and PEFT
// (cited per field); the studio and the command line both start from DEFAULT_TRAIN_CONFIG.
import type { MethodOptions } from './methods/method.ts';
import { METHOD_CARDS } from './methods/cards/index.ts';

export interface TrainConfig {
  method: MethodOptions;
  learningRate: number; // PEFT benchmark: prompt tuning wants ≥ 1e-3; 3e-2 is a good start on small models
  weightDecay: number; // HF Trainer default 0
  beta1: number; // AdamW defaults (0.9, 0.999)
  beta2: number;
  warmupSteps: number;
  schedule: 'constant' | 'linear' | 'cosine';
  clipNorm: number; // global gradient-norm clip; HF Trainer default 1.0; 0 = off
  batchSize: number;
  steps: number;
  evalEvery: number; // steps between evaluations; 0 = only at the end
  earlyStopPatience: number; // evaluations without improvement before stopping; 0 = off
  seed: number;
  /** Dropout on the virtual tokens' values during training (0 = off; evaluation never drops). */
  promptDropout: number;
  /** Name of a saved initialisation (meta-learned or multitask) to start from instead of the method's init. */
  startFrom?: string | null;
  /** Evaluate on the first N validation examples only (a quick look); 0 = all of them. */
  evalLimit: number;
}

export const DEFAULT_TRAIN_CONFIG: Omit<TrainConfig, 'method'> = {
  learningRate: METHOD_CARDS.prompt.learningRate, // the default method's; each card holds its own
  weightDecay: 0,
  beta1: 0.9,
  beta2: 0.999,
  warmupSteps: 10,
  schedule: 'cosine',
  clipNorm: 1,
  batchSize: 8,
  steps: 100,
  evalEvery: 25,
  earlyStopPatience: 0,
  seed: 42,
  promptDropout: 0,
  evalLimit: 0,
};

/** Every problem with a config, as sentences that say what to change. Empty when it is valid. */
export function checkTrainConfig(c: TrainConfig): string[] {
  const p: string[] = [];
  const positiveInt = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 1) p.push(`${name} must be a whole number ≥ 1 (got ${v})`);
  };
  if (!(c.learningRate > 0 && c.learningRate < 10)) p.push(`learning rate must be in (0, 10) (got ${c.learningRate})`);
  if (!(c.weightDecay >= 0)) p.push(`weight decay must be ≥ 0 (got ${c.weightDecay})`);
  if (!(c.beta1 >= 0 && c.beta1 < 1) || !(c.beta2 >= 0 && c.beta2 < 1)) p.push('AdamW betas must be in [0, 1)');
  if (!(c.warmupSteps >= 0)) p.push(`warm-up steps must be ≥ 0 (got ${c.warmupSteps})`);
  if (!(c.clipNorm >= 0)) p.push(`gradient clip must be ≥ 0 (got ${c.clipNorm})`);
  positiveInt(c.batchSize, 'batch size');
  positiveInt(c.steps, 'steps');
  if (!(c.evalEvery >= 0)) p.push(`evaluate-every must be ≥ 0 (got ${c.evalEvery})`);
  if (!(c.earlyStopPatience >= 0)) p.push(`early-stop patience must be ≥ 0 (got ${c.earlyStopPatience})`);
  if (!(c.promptDropout >= 0 && c.promptDropout < 1)) p.push(`virtual-token dropout must be in [0, 1) (got ${c.promptDropout})`);
  if (!(Number.isInteger(c.evalLimit) && c.evalLimit >= 0)) p.push(`evaluation limit must be a whole number ≥ 0, 0 for all (got ${c.evalLimit})`);
  return p;
}
