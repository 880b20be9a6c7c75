import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';
import { declaredBindings } from '../../../src/engine/gpu/program.ts';
import { ACTIVATION_KERNELS } from '../../../src/engine/kernels/activation.ts';

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

  // Launchers bind buffers by the WGSL variable's name with the size their shape needs (gpu/program.ts); recording
  // the program checks both, so a shape mistake is an error naming the binding and the sizes, not wrong numbers.
  it('bindings: the storage bindings a kernel declares, by name (the uniform block is not one)', () => {
    const swiglu = ACTIVATION_KERNELS.find((k) => k.name === 'swigluBackward')!;
    expect([...declaredBindings(swiglu.code)]).toEqual([['dY', 1], ['G', 2], ['U', 3]]);
  });

  it('bindings: an output too small for the shape throws, naming the binding and the sizes', async () => {
    const n = 1000;
    const job = new Job();
    job.call('geluForwardOp', job.zeros(n - 8), job.f32(randn(n, 1)), n); // Y holds 992 floats, the shape writes 1000
    await expect(gpu.run(job)).rejects.toThrow(/kernel geluForward: binding Y \(@binding\(2\)\) holds 3968 bytes but the shape needs 1000 values × 4 bytes = 4000 bytes/);
  });
});
