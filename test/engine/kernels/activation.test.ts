import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';

// CPU references in float64.
const S2PI = Math.sqrt(2 / Math.PI);
const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(S2PI * (x + 0.044715 * x ** 3)));
function geluGrad(x: number): number {
  const t = Math.tanh(S2PI * (x + 0.044715 * x ** 3));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * S2PI * (1 + 3 * 0.044715 * x * x);
}
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('activation', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  // n = 1000: not a multiple of the 256-wide workgroup; values up to ±6 reach the tails (and ±40 the clamp).
  it('gelu_new forward and backward (in place on the saved pre-activation)', async () => {
    const n = 1000;
    const x = randn(n, 1, 6);
    x[0] = 40;
    x[1] = -40;
    const dy = randn(n, 2);
    const job = new Job();
    const X = job.f32(x), Y = job.zeros(n), DY = job.f32(dy);
    job.call('geluForwardOp', Y, X, n);
    job.read(Y, n);
    job.call('geluBackwardOp', X, DY, n);
    job.read(X, n);
    const [y, dx] = await gpu.run(job);
    expectClose(y, Array.from(x, gelu), 'gelu(x)');
    expectClose(dx, Array.from(x, (v, i) => dy[i] * geluGrad(v)), 'dX');
  });

  it('SwiGLU forward silu(gate)·up and backward dGate, dUp (in place)', async () => {
    const n = 777;
    const g = randn(n, 3, 8), u = randn(n, 4, 2), dy = randn(n, 5);
    const job = new Job();
    const G = job.f32(g), U = job.f32(u), Y = job.zeros(n), DY = job.f32(dy);
    job.call('gatedForwardOp', 'swiglu', Y, G, U, n);
    job.read(Y, n);
    job.call('gatedBackwardOp', 'swiglu', G, U, DY, n);
    job.read(G, n);
    job.read(U, n);
    const [y, dg, du] = await gpu.run(job);
    expectClose(y, Array.from(g, (v, i) => v * sigmoid(v) * u[i]), 'silu(g)·u');
    expectClose(dg, Array.from(g, (v, i) => dy[i] * u[i] * sigmoid(v) * (1 + v * (1 - sigmoid(v)))), 'dGate');
    expectClose(du, Array.from(g, (v, i) => dy[i] * v * sigmoid(v)), 'dUp');
  });

  it('GeGLU forward gelu_tanh(gate)·up and backward dGate, dUp (in place)', async () => {
    const n = 777;
    const g = randn(n, 6, 8), u = randn(n, 7, 2), dy = randn(n, 8);
    const job = new Job();
    const G = job.f32(g), U = job.f32(u), Y = job.zeros(n), DY = job.f32(dy);
    job.call('gatedForwardOp', 'geglu', Y, G, U, n);
    job.read(Y, n);
    job.call('gatedBackwardOp', 'geglu', G, U, DY, n);
    job.read(G, n);
    job.read(U, n);
    const [y, dg, du] = await gpu.run(job);
    expectClose(y, Array.from(g, (v, i) => gelu(v) * u[i]), 'gelu(g)·u');
    expectClose(dg, Array.from(g, (v, i) => dy[i] * u[i] * geluGrad(v)), 'dGate');
    expectClose(du, Array.from(g, (v, i) => dy[i] * gelu(v)), 'dUp');
  });
});
