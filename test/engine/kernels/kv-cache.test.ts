import { afterAll, beforeAll, describe, it } from 'vitest';
import { ropeTable } from '../../../src/engine/kernels/rope.ts';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';

// The one-token decode step's kernels (kernels/kv-cache.ts) against float64, each reading the position from the
// step word as the replayed step program does. Letters: C hidden, H heads, KVH kv heads, hd head dim, N cache rows.
describe('kv-cache step kernels', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  it('embedStep: E[id] + wpe[pos] (GPT-2), and scale · E[id] (Gemma: √C)', async () => {
    const [V, C, N, id, pos] = [11, 12, 9, 7, 3];
    const E = randn(V * C, 1), wpe = randn(N * C, 2);
    const job = new Job();
    const IDS = job.i32([id]), EB = job.f32(E), WPE = job.f32(wpe), STEP = job.u32([pos]), X = job.zeros(C), Xs = job.zeros(C);
    job.call('embedStep', X, IDS, EB, WPE, STEP, { C, learned: true, scale: 1 });
    job.call('embedStep', Xs, IDS, EB, WPE, STEP, { C, learned: false, scale: 2.5 });
    job.read(X, C);
    job.read(Xs, C);
    const [x, xs] = await gpu.run(job);
    expectClose(x, Array.from({ length: C }, (_, c) => E[id * C + c] + wpe[pos * C + c]), 'E[id] + wpe[pos]');
    expectClose(xs, Array.from({ length: C }, (_, c) => 2.5 * E[id * C + c]), '2.5 · E[id]');
  });

  it('ropeStep rotates one row at the step position; kvAppend writes cache row pos', async () => {
    const [heads, hd, N, pos, W] = [3, 8, 10, 5, 16];
    const inv = Float64Array.from({ length: hd / 2 }, (_, i) => Math.pow(1e4, (-2 * i) / hd));
    const x = randn(heads * hd, 3), k = randn(W, 4), v = randn(W, 5);
    const job = new Job();
    const X = job.f32(x), T = job.f32(ropeTable(inv, N)), STEP = job.u32([pos]);
    const K = job.f32(k), Vb = job.f32(v), KC = job.zeros(N * W), VC = job.zeros(N * W);
    job.call('ropeStep', X, T, STEP, { heads, hd });
    job.call('kvAppend', KC, VC, K, Vb, STEP, W);
    job.read(X, heads * hd);
    job.read(KC, N * W);
    job.read(VC, N * W);
    const [rx, kc, vc] = await gpu.run(job);
    const half = hd / 2;
    const ref = new Float64Array(heads * hd);
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < half; i++) {
        const [c, s] = [Math.cos(pos * inv[i]), Math.sin(pos * inv[i])];
        const [x1, x2] = [x[h * hd + i], x[h * hd + i + half]];
        ref[h * hd + i] = x1 * c - x2 * s;
        ref[h * hd + i + half] = x2 * c + x1 * s;
      }
    expectClose(rx, ref, 'rope at pos');
    expectClose(kc, Array.from({ length: N * W }, (_, j) => (Math.floor(j / W) === pos ? k[j % W] : 0)), 'kCache row pos');
    expectClose(vc, Array.from({ length: N * W }, (_, j) => (Math.floor(j / W) === pos ? v[j % W] : 0)), 'vCache row pos');
  });

  // Full attention reads cache rows 0..pos; a sliding window of 3 (Gemma 3) only pos-2..pos; GQA 4 heads on 2.
  for (const window of [0, 3])
    it(`attentionStep over cache rows ${window ? `pos-${window - 1}..pos (window ${window})` : '0..pos'}, GQA 4/2, scale 0.3`, async () => {
      const [H, KVH, hd, N, pos, scale] = [4, 2, 72, 12, 8, 0.3];
      const q = randn(H * hd, 6), kc = randn(N * KVH * hd, 7), vc = randn(N * KVH * hd, 8);
      const job = new Job();
      const Q = job.f32(q), KC = job.f32(kc), VC = job.f32(vc), STEP = job.u32([pos]), O = job.zeros(H * hd);
      job.call('attentionStep', O, Q, KC, VC, STEP, { H, KVH, hd, scale, window });
      job.read(O, H * hd);
      const [o] = await gpu.run(job);
      const ref = new Float64Array(H * hd);
      const first = window ? pos - window + 1 : 0;
      for (let h = 0; h < H; h++) {
        const g = Math.floor(h / (H / KVH));
        const s: number[] = [];
        for (let j = first; j <= pos; j++) {
          let t = 0;
          for (let e = 0; e < hd; e++) t += q[h * hd + e] * kc[(j * KVH + g) * hd + e];
          s.push(t * scale);
        }
        const m = Math.max(...s);
        const z = s.reduce((a, x) => a + Math.exp(x - m), 0);
        s.forEach((x, n) => {
          const p = Math.exp(x - m) / z;
          for (let e = 0; e < hd; e++) ref[h * hd + e] += p * vc[((first + n) * KVH + g) * hd + e];
        });
      }
      expectClose(o, ref, 'attention step out');
    });
});
