// AdamW with PyTorch's semantics (torch.optim.AdamW, the single-tensor loop): decoupled weight decay
// p ← p·(1 − lr·wd) before the Adam update, bias-corrected moments, eps added after the square root:
//   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
//   p ← p − lr/(1−β1^t) · m / (√v / √(1−β2^t) + eps)
// Parameters and moments are Float32Array (as torch keeps them for f32 parameters); each element's update is
// computed in float64 and rounded once. Also global-norm gradient clipping (torch.nn.utils.clip_grad_norm_)
// and the Hugging Face learning-rate schedules (transformers get_{constant,linear,cosine}_schedule_with_warmup).
import type { TrainConfig } from './train-config.ts';

export interface AdamWHyper {
  beta1: number; // 0.9 (torch default)
  beta2: number; // 0.999
  eps: number; // 1e-8
  weightDecay: number; // torch's AdamW default is 1e-2; the HF Trainer passes 0
}

export const DEFAULT_ADAMW: AdamWHyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

/** Everything the optimiser carries between steps; with the parameters it resumes a run exactly. */
export interface AdamWState {
  step: number; // t, updates done so far
  m: Record<string, Float32Array>; // first moments, one per parameter, same length
  v: Record<string, Float32Array>; // second moments
}

type GradArray = Float32Array | Float64Array;

export class AdamW {
  private state: AdamWState;

  constructor(sizes: Record<string, number>, readonly hyper: AdamWHyper = DEFAULT_ADAMW) {
    const zeros = () => Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, new Float32Array(n)]));
    this.state = { step: 0, m: zeros(), v: zeros() };
  }

  get stepCount(): number {
    return this.state.step;
  }

  /** One update of every parameter in `params` (in place) with learning rate `lr`. */
  step(params: Record<string, Float32Array>, grads: Record<string, GradArray>, lr: number): void {
    const { beta1, beta2, eps, weightDecay } = this.hyper;
    for (const [name, p] of Object.entries(params)) {
      const g = grads[name];
      const m = this.state.m[name];
      if (!g || !m) throw new Error(`AdamW: no ${g ? 'optimiser state' : 'gradient'} for parameter ${name}`);
      if (g.length !== p.length || m.length !== p.length)
        throw new Error(`AdamW: ${name} has ${p.length} values but its gradient ${g.length} and state ${m.length}`);
    }
    const t = ++this.state.step;
    const bc1 = 1 - beta1 ** t;
    const sqrtBc2 = Math.sqrt(1 - beta2 ** t);
    const stepSize = lr / bc1;
    const decay = 1 - lr * weightDecay;
    for (const [name, p] of Object.entries(params)) {
      const g = grads[name];
      const m = this.state.m[name];
      const v = this.state.v[name];
      for (let i = 0; i < p.length; i++) {
        const mi = beta1 * m[i] + (1 - beta1) * g[i];
        const vi = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        m[i] = mi;
        v[i] = vi;
        // The update reads the stored (f32) moments, as torch does.
        p[i] = p[i] * decay - (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtBc2 + eps);
      }
    }
  }

  /** A deep copy of the state (safe to keep while training goes on). */
  getState(): AdamWState {
    return { step: this.state.step, m: copyAll(this.state.m), v: copyAll(this.state.v) };
  }

  /** Restores a state saved by getState for the same parameters; copies it. */
  loadState(s: AdamWState): void {
    if (!(Number.isInteger(s.step) && s.step >= 0)) throw new Error(`optimiser step must be a whole number ≥ 0 (got ${s.step})`);
    for (const k of Object.keys(this.state.m)) {
      const n = this.state.m[k].length;
      for (const [which, r] of [['m', s.m], ['v', s.v]] as const)
        if (!r[k] || r[k].length !== n) throw new Error(`optimiser state ${which} for ${k} ${r[k] ? `has the wrong size: ${r[k].length} values, expected ${n}` : 'is missing'}`);
    }
    this.state = { step: s.step, m: copyAll(pick(s.m, this.state.m)), v: copyAll(pick(s.v, this.state.m)) };
  }
}

function copyAll(r: Record<string, Float32Array>): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(r).map(([k, a]) => [k, a.slice()]));
}

function pick(from: Record<string, Float32Array>, keys: Record<string, unknown>): Record<string, Float32Array> {
  return Object.fromEntries(Object.keys(keys).map((k) => [k, from[k]]));
}

/** The L2 norm of all gradients together. */
export function globalNorm(grads: Record<string, GradArray>): number {
  let sq = 0;
  for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  return Math.sqrt(sq);
}

/**
 * Scales grads in place so their global L2 norm is at most maxNorm (0 = no clipping), as
 * torch.nn.utils.clip_grad_norm_: coef = min(1, maxNorm / (norm + 1e-6)). Returns the norm before clipping.
 */
export function clipGradNorm(grads: Record<string, GradArray>, maxNorm: number): number {
  const norm = globalNorm(grads);
  if (maxNorm > 0) {
    const coef = maxNorm / (norm + 1e-6);
    if (coef < 1) for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) g[i] *= coef;
  }
  return norm;
}

export type ScheduleConfig = Pick<TrainConfig, 'learningRate' | 'warmupSteps' | 'schedule' | 'steps'>;

/**
 * Learning rate for the update with 0-based index `step` (the HF Trainer's scheduler value before its
 * step-th optimizer.step()): linear warm-up from 0 over `warmupSteps`, then constant, linear to 0 at `steps`,
 * or half a cosine to 0 at `steps`. As in transformers, the very first update of a warm-up has lr 0.
 */
export function learningRateAt(step: number, c: ScheduleConfig): number {
  if (step < c.warmupSteps) return (c.learningRate * step) / Math.max(1, c.warmupSteps);
  if (c.schedule === 'constant') return c.learningRate;
  const progress = (step - c.warmupSteps) / Math.max(1, c.steps - c.warmupSteps);
  if (c.schedule === 'linear') return c.learningRate * Math.max(0, 1 - progress);
  return c.learningRate * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
}
