// AdamW with PyTorch's semantics (decoupled weight decay, bias-corrected moments), global-norm gradient
// clipping, and the Hugging Face learning-rate schedules (linear warm-up, then constant / linear / cosine to 0).
import type { TrainConfig } from './train-config.ts';

export interface AdamWHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export interface AdamWState {
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export class AdamW {
  private state: AdamWState;

  constructor(sizes: Record<string, number>, private readonly hp: AdamWHyper) {
    const zeros = () => Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, new Float32Array(n)]));
    this.state = { step: 0, m: zeros(), v: zeros() };
  }

  step(params: Record<string, Float32Array>, grads: Record<string, Float64Array>, lr: number): void {
    const { beta1, beta2, eps, weightDecay } = this.hp;
    const t = ++this.state.step;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    for (const [name, p] of Object.entries(params)) {
      const g = grads[name];
      const m = this.state.m[name];
      const v = this.state.v[name];
      for (let i = 0; i < p.length; i++) {
        p[i] -= lr * weightDecay * p[i]; // torch.optim.AdamW: p *= 1 - lr·wd, before the Adam update
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        p[i] -= (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + eps);
      }
    }
  }

  getState(): AdamWState {
    const copy = (r: Record<string, Float32Array>) => Object.fromEntries(Object.entries(r).map(([k, a]) => [k, a.slice()]));
    return { step: this.state.step, m: copy(this.state.m), v: copy(this.state.v) };
  }

  loadState(s: AdamWState): void {
    for (const k of Object.keys(this.state.m))
      if (!s.m[k] || s.m[k].length !== this.state.m[k].length) throw new Error(`optimiser state for ${k} is missing or has the wrong size`);
    this.state = { step: s.step, m: { ...s.m }, v: { ...s.v } };
  }
}

/** Scales grads in place so their global L2 norm is at most maxNorm (0 = no clipping); returns the norm before. */
export function clipGradNorm(grads: Record<string, Float64Array>, maxNorm: number): number {
  let sq = 0;
  for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  const norm = Math.sqrt(sq);
  if (maxNorm > 0 && norm > maxNorm) {
    const s = maxNorm / (norm + 1e-6); // torch.nn.utils.clip_grad_norm_
    for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) g[i] *= s;
  }
  return norm;
}

/** Learning rate for 0-based `step`, as transformers' get_{constant,linear,cosine}_schedule_with_warmup. */
export function learningRateAt(step: number, c: Pick<TrainConfig, 'learningRate' | 'warmupSteps' | 'schedule' | 'steps'>): number {
  if (step < c.warmupSteps) return (c.learningRate * step) / Math.max(1, c.warmupSteps);
  if (c.schedule === 'constant') return c.learningRate;
  const progress = (step - c.warmupSteps) / Math.max(1, c.steps - c.warmupSteps);
  if (c.schedule === 'linear') return c.learningRate * Math.max(0, 1 - progress);
  return c.learningRate * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
}
