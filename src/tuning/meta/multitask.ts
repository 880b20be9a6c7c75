// Multitask prompt tuning (Wang et al. 2023, MPT; PEFT MULTITASK_PROMPT_TUNING): one shared prompt S (P, C)
// trained over several tasks at once, each task t seeing S ⊙ (U_t · V_t) with its own low-rank factors
// U_t (P, r) and V_t (r, C). PEFT's tensor names and shapes: prompt_embeddings, prefix_task_cols (T, P, r),
// prefix_task_rows (T, r, C), initialised as PEFT does (N(0, 0.02) factors). As an initialisation for a new
// task, PEFT's "average source tasks" rule: S ⊙ (mean_t U_t · mean_t V_t).
//   backward of Y = S ⊙ M, M = U V:   dS = dY ⊙ M,  dM = dY ⊙ S,  dU = dM Vᵀ,  dV = Uᵀ dM
import type { CausalLM } from '../../engine/model/causal-lm.ts';
import type { Grads, Params } from '../nn/dense.ts';
import { tensor } from '../nn/dense.ts';
import type { PromptTuningOptions } from '../methods/method.ts';
import { promptTuning } from '../methods/prompt-tuning.ts';
import type { EncodedExample } from '../data/encoded.ts';
import { toTrainingBatch } from '../data/encoded.ts';
import { AdamW, DEFAULT_ADAMW, clipGradNorm } from '../optim.ts';
import { Rng } from '../random.ts';
import type { MetaTask } from './episodes.ts';

export interface MultitaskConfig {
  method: PromptTuningOptions;
  rank: number; // PEFT num_ranks (1 in its examples)
  learningRate: number;
  steps: number;
  batchSize: number;
  clipNorm: number;
  seed: number;
}

/** The prompt task t sees: S ⊙ (U_t V_t), (P, C) in float64. */
export function taskPrompt(params: Params, t: number, rank: number): { prompt: Float64Array; factor: Float64Array } {
  const [P, C] = params.prompt_embeddings.shape;
  const S = params.prompt_embeddings.data;
  const U = params.prefix_task_cols.data.subarray(t * P * rank, (t + 1) * P * rank);
  const V = params.prefix_task_rows.data.subarray(t * rank * C, (t + 1) * rank * C);
  const factor = new Float64Array(P * C);
  for (let p = 0; p < P; p++) for (let r = 0; r < rank; r++) for (let c = 0; c < C; c++) factor[p * C + c] += U[p * rank + r] * V[r * C + c];
  return { prompt: Float64Array.from(factor, (m, i) => m * S[i]), factor };
}

/** Gradients of the three tensors from d loss / d (task t's prompt). */
export function taskPromptBackward(params: Params, t: number, rank: number, factor: Float64Array, dY: Float32Array): Grads {
  const [P, C] = params.prompt_embeddings.shape;
  const T = params.prefix_task_cols.shape[0];
  const S = params.prompt_embeddings.data;
  const U = params.prefix_task_cols.data.subarray(t * P * rank, (t + 1) * P * rank);
  const V = params.prefix_task_rows.data.subarray(t * rank * C, (t + 1) * rank * C);
  const dS = Float64Array.from(dY, (g, i) => g * factor[i]);
  const dM = Float64Array.from(dY, (g, i) => g * S[i]);
  const dU = new Float64Array(T * P * rank);
  const dV = new Float64Array(T * rank * C);
  for (let p = 0; p < P; p++)
    for (let r = 0; r < rank; r++)
      for (let c = 0; c < C; c++) {
        dU[t * P * rank + p * rank + r] += dM[p * C + c] * V[r * C + c];
        dV[t * rank * C + r * C + c] += U[p * rank + r] * dM[p * C + c];
      }
  return { prompt_embeddings: dS, prefix_task_cols: dU, prefix_task_rows: dV };
}

export function initMultitask(lm: CausalLM, tasks: number, config: MultitaskConfig, rng: Rng): Params {
  const { prompt_embeddings } = promptTuning.init({ cfg: lm.config, embed: lm.weights.embed, rng }, config.method);
  const P = config.method.virtualTokens;
  const C = lm.config.hidden;
  const cols = tensor([tasks, P, config.rank]);
  const rows = tensor([tasks, config.rank, C]);
  for (const t of [cols, rows]) for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal(0, 0.02);
  return { prompt_embeddings, prefix_task_cols: cols, prefix_task_rows: rows };
}

/** PEFT's "average source tasks" initialisation of a new task: S ⊙ (mean U · mean V), as a (P, C) prompt table. */
export function averageTaskPrompt(params: Params, rank: number): Float32Array {
  const [T, P] = params.prefix_task_cols.shape;
  const C = params.prompt_embeddings.shape[1];
  const meanOf = (t: Float32Array, n: number) => {
    const m = new Float32Array(n);
    for (let k = 0; k < T; k++) for (let i = 0; i < n; i++) m[i] += t[k * n + i] / T;
    return m;
  };
  const averaged: Params = {
    prompt_embeddings: params.prompt_embeddings,
    prefix_task_cols: { shape: [1, P, rank], data: meanOf(params.prefix_task_cols.data, P * rank) },
    prefix_task_rows: { shape: [1, rank, C], data: meanOf(params.prefix_task_rows.data, rank * C) },
  };
  return Float32Array.from(taskPrompt(averaged, 0, rank).prompt);
}

export interface MultitaskStep {
  step: number;
  task: string;
  loss: number;
}

/** Trains the shared prompt and the task factors; batches come from one task at a time, tasks in turn. */
export async function trainMultitask(
  lm: CausalLM,
  tasks: readonly MetaTask[],
  config: MultitaskConfig,
  onStep?: (s: MultitaskStep) => void,
  shouldStop?: () => boolean,
): Promise<{ params: Params; losses: number[] }> {
  if (tasks.length === 0) throw new Error('multitask prompt tuning needs at least one task: tick some datasets');
  const rng = new Rng(config.seed);
  const params = initMultitask(lm, tasks.length, config, rng);
  const adam = new AdamW(Object.fromEntries(Object.entries(params).map(([k, t]) => [k, t.data.length])), DEFAULT_ADAMW);
  const losses: number[] = [];
  for (let step = 0; step < config.steps && !shouldStop?.(); step++) {
    const t = step % tasks.length;
    const examples: EncodedExample[] = rng.sample(tasks[t].train, Math.min(config.batchSize, tasks[t].train.length));
    const { prompt, factor } = taskPrompt(params, t, config.rank);
    const { loss, grad } = await lm.lossAndGrad(toTrainingBatch(examples, lm.config), {
      promptEmbeds: Float32Array.from(prompt),
      virtualTokens: config.method.virtualTokens,
    });
    if (!grad || !Number.isFinite(loss)) throw new Error(`multitask training diverged at step ${step + 1} (loss ${loss}); lower the learning rate`);
    const grads = taskPromptBackward(params, t, config.rank, factor, grad);
    clipGradNorm(grads, config.clipNorm);
    adam.step(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.data])), grads, config.learningRate);
    losses.push(loss);
    onStep?.({ step: step + 1, task: tasks[t].name, loss });
  }
  return { params, losses };
}
