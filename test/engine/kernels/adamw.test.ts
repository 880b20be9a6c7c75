import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adamwHyper } from '../../../src/engine/kernels/adamw.ts';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';

// torch.optim.AdamW, step t (1-based), in float64.
function refAdamW(p: Float64Array, m: Float64Array, v: Float64Array, g: Float32Array, t: number, h: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }): void {
  for (let i = 0; i < p.length; i++) {
    p[i] *= 1 - h.lr * h.weightDecay;
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i];
    const denom = Math.sqrt(v[i]) / Math.sqrt(1 - h.beta2 ** t) + h.eps;
    p[i] -= (h.lr / (1 - h.beta1 ** t)) * (m[i] / denom);
  }
}

describe('adamw', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  it('three steps with changing gradients and lr match torch.optim.AdamW', async () => {
    const n = 301;
    const p0 = randn(n, 1), grads = [randn(n, 2), randn(n, 3, 0.01), randn(n, 4, 5)];
    const lrs = [1e-2, 5e-3, 1e-3];
    const base = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
    const job = new Job();
    const P = job.f32(p0), M = job.zeros(n), V = job.zeros(n);
    grads.forEach((g, s) => job.call('adamwStep', P, M, V, job.f32(g), job.uniform(adamwHyper({ ...base, lr: lrs[s] }, s + 1)), n));
    job.read(P, n);
    job.read(M, n);
    job.read(V, n);
    const [p, m, v] = await gpu.run(job);
    const rp = Float64Array.from(p0), rm = new Float64Array(n), rv = new Float64Array(n);
    grads.forEach((g, s) => refAdamW(rp, rm, rv, g, s + 1, { ...base, lr: lrs[s] }));
    expectClose(m, rm, 'm', 1e-7, 1e-5);
    expectClose(v, rv, 'v', 1e-9, 1e-5);
    expectClose(p, rp, 'param', 1e-6, 1e-5);
  });

  it('refuses step 0', () => {
    expect(() => adamwHyper({ lr: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, 0)).toThrow(/step=0/);
  });
});
