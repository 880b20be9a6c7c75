import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';

// CPU reference in float64: loss[r] = logsumexp(z[r]) - z[r, t[r]]; dz = (softmax - onehot)·scale; t < 0 → 0.
function refCe(z: Float32Array, t: number[], V: number, scale: number) {
  const loss = t.map(() => 0), dz = new Float64Array(z.length);
  t.forEach((target, r) => {
    if (target < 0) return;
    const row = z.subarray(r * V, (r + 1) * V);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    loss[r] = lse - row[target];
    for (let v = 0; v < V; v++) dz[r * V + v] = (Math.exp(row[v] - lse) - (v === target ? 1 : 0)) * scale;
  });
  return { loss, dz };
}

describe('cross-entropy at target rows', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  it('loss per row and d loss / d logits in place, padding rows zero', async () => {
    const [R, V] = [5, 1003]; // V not a multiple of the 256-wide workgroup
    const z = randn(R * V, 1, 8);
    const t = [3, 1002, -1, 0, 500];
    const scale = 1 / 4; // four scored rows
    const job = new Job();
    const Z = job.f32(z), Zg = job.f32(z), T = job.i32(t), DYN = job.f32([scale, 0, 0, 0]), L = job.zeros(R), Lg = job.zeros(R);
    job.call('crossEntropy', L, Z, T, DYN, R, V, false);
    job.call('crossEntropy', Lg, Zg, T, DYN, R, V, true);
    job.read(L, R);
    job.read(Z, R * V);
    job.read(Lg, R);
    job.read(Zg, R * V);
    const [loss, zAfter, lossG, dz] = await gpu.run(job);
    const ref = refCe(z, t, V, scale);
    expectClose(loss, ref.loss, 'loss');
    expectClose(lossG, ref.loss, 'loss (grad pass)');
    expectClose(zAfter, z, 'logits untouched without grad', 0, 0);
    expectClose(dz, ref.dz, 'dLogits', 1e-7, 1e-5);
  });
});
