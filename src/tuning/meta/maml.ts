// The update rules of first-order meta-learning over a prompt's parameters θ, written as plain functions of
// parameters and gradients so that a test can check them against arithmetic done by hand.
//
//   inner loop (one episode):  φ₀ = θ,  φⱼ₊₁ = φⱼ − α ⊙ ∇L_support(φⱼ)        (k steps, SGD)
//   FO-MAML (Finn et al. 2017, first-order):  meta-gradient  g_θ = ∇L_query(φ_k)
//   Meta-SGD (Li et al. 2017): α is a learned vector; to first order  ∂L_query/∂α = −Σⱼ ∇L_support(φⱼ) ⊙ ∇L_query(φ_k)
//   Reptile (Nichol et al. 2018):  g_θ = θ − φ_k   (so an SGD step of size ε gives θ ← θ + ε(φ_k − θ))
//
// The inner loop can also be AdamW from fresh state (innerOptimizer 'adam'): then it is the very procedure a
// later studio run uses to adapt, which is what the meta-learned start is judged by. Meta-SGD needs SGD.
import type { Grads, Params } from '../nn/dense.ts';
import { AdamW, DEFAULT_ADAMW, clipGradNorm } from '../optim.ts';
import { cloneParams } from '../trainer.ts';

export type InnerOptimizer = 'sgd' | 'adam';

/** Loss and d loss / d params of one set of examples at the given parameters. */
export type Objective = (params: Params) => Promise<{ loss: number; grads: Grads }>;

export interface InnerResult {
  adapted: Params; // φ_k
  supportGrads: Grads[]; // ∇L_support(φⱼ), j = 0..k−1
  supportLosses: number[];
}

/** Per-parameter step sizes: a number for plain SGD, or Meta-SGD's vectors (same names and sizes as θ). */
export type StepSizes = number | Record<string, Float32Array>;

/**
 * The inner loop: k steps on the support objective from θ (which is not modified). Each gradient is clipped to
 * `clipNorm` (0 = off) before the step, as the studio's trainer does; the clipped gradients are returned, since
 * they are the steps actually taken (Meta-SGD's step-size gradient needs exactly those).
 */
export async function adaptInner(
  theta: Params,
  support: Objective,
  steps: number,
  lr: StepSizes,
  optimizer: InnerOptimizer,
  clipNorm = 0,
): Promise<InnerResult> {
  if (optimizer === 'adam' && typeof lr !== 'number') throw new Error('Meta-SGD learns SGD step sizes: use the SGD inner loop with it');
  const phi = cloneParams(theta);
  const adam = optimizer === 'adam' ? new AdamW(Object.fromEntries(Object.entries(phi).map(([k, t]) => [k, t.data.length])), DEFAULT_ADAMW) : null;
  const supportGrads: Grads[] = [];
  const supportLosses: number[] = [];
  for (let j = 0; j < steps; j++) {
    const { loss, grads } = await support(phi);
    clipGradNorm(grads, clipNorm);
    supportGrads.push(grads);
    supportLosses.push(loss);
    if (adam) adam.step(Object.fromEntries(Object.entries(phi).map(([k, t]) => [k, t.data])), grads, lr as number);
    else sgdStep(phi, grads, lr);
  }
  return { adapted: phi, supportGrads, supportLosses };
}

/** φ ← φ − α ⊙ g, in place. */
export function sgdStep(params: Params, grads: Grads, lr: StepSizes): void {
  for (const [name, t] of Object.entries(params)) {
    const g = grads[name];
    if (!g || g.length !== t.data.length) throw new Error(`no gradient of the right size for ${name}`);
    const a = typeof lr === 'number' ? null : lr[name];
    for (let i = 0; i < g.length; i++) t.data[i] -= (a ? a[i] : (lr as number)) * g[i];
  }
}

/** Meta-SGD's first-order gradient with respect to the step sizes: −Σⱼ gⱼ ⊙ g_query. */
export function metaSgdStepSizeGradient(supportGrads: readonly Grads[], queryGrads: Grads): Grads {
  const out: Grads = {};
  for (const [name, q] of Object.entries(queryGrads)) {
    const d = new Float64Array(q.length);
    for (const g of supportGrads) for (let i = 0; i < q.length; i++) d[i] -= g[name][i] * q[i];
    out[name] = d;
  }
  return out;
}

/** Reptile's direction θ − φ_k, used as a gradient by the outer optimiser. */
export function reptileGradient(theta: Params, adapted: Params): Grads {
  return Object.fromEntries(Object.entries(theta).map(([k, t]) => [k, Float64Array.from(t.data, (v, i) => v - adapted[k].data[i])]));
}

/** Σ over episodes / count: the meta-batch average of several episodes' gradients. */
export function averageGrads(all: readonly Grads[]): Grads {
  const out: Grads = {};
  for (const g of all)
    for (const [k, v] of Object.entries(g)) {
      const acc = (out[k] ??= new Float64Array(v.length));
      for (let i = 0; i < v.length; i++) acc[i] += v[i] / all.length;
    }
  return out;
}
