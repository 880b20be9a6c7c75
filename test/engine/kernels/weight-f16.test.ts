import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from '../../../src/engine/io/safetensors.ts';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';

// f16 weight storage (kernels/weight-storage.ts): the matmul forward, activation backward, decode matvec and the
// embedding gather reading packed halves agree with float64 on the half-rounded weights at the f32 kernels'
// tolerance, and measurably differ from float64 on the unrounded weights (so the halves are what was read).
const half = (a: Float32Array) => Float32Array.from(a, (x) => halfToFloat(floatToHalf(x)));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

function forward(x: Float32Array, w: Float32Array, b: Float32Array | null, y0: Float32Array | null, M: number, N: number, K: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = b ? b[j] : 0;
      for (let k = 0; k < K; k++) s += x[i * K + k] * w[j * K + k];
      y[i * N + j] = s + (y0 ? y0[i * N + j] : 0);
    }
  return y;
}

function backward(dy: Float32Array, w: Float32Array, dx0: Float32Array | null, M: number, N: number, K: number): Float64Array {
  const dx = new Float64Array(M * K);
  for (let i = 0; i < M; i++)
    for (let k = 0; k < K; k++) {
      let s = dx0 ? dx0[i * K + k] : 0;
      for (let j = 0; j < N; j++) s += dy[i * N + j] * w[j * K + k];
      dx[i * K + k] = s;
    }
  return dx;
}

describe('f16 weight storage kernels', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  it('matmul backward on half weights, few rows and a long N (the split-N kernel, splitsN)', async () => {
    const [M, N, K] = [9, 4100, 36];
    const w = randn(N * K, 12), dy = randn(M * N, 13), dx0 = randn(M * K, 14);
    const wh = half(w);
    const job = new Job();
    const W = job.f16(w), DY = job.f32(dy), DX = job.zeros(M * K), DXacc = job.f32(dx0);
    job.call('matmulBackward', DX, DY, W, { M, N, K });
    job.call('matmulBackward', DXacc, DY, W, { M, N, K }, true);
    job.read(DX, M * K);
    job.read(DXacc, M * K);
    const [dX, dXacc] = await gpu.run(job);
    expectClose(dX, backward(dy, wh, null, M, N, K), 'dX');
    expectClose(dXacc, backward(dy, wh, dx0, M, N, K), 'dX +=');
  });

  for (const variant of ['blocked', 'tiled'] as const)
  it(`${variant} matmul forward / backward and the decode matvec on half weights (odd M, N; K = 4·odd)`, async () => {
    const [M, N, K] = [37, 53, 68];
    const x = randn(M * K, 1), w = randn(N * K, 2), b = randn(N, 3), y0 = randn(M * N, 4), dy = randn(M * N, 5), dx0 = randn(M * K, 6);
    const [Nv, Kv] = [131, 344]; // matvec: N past two workgroups, K the demo model's intermediate size
    const xv = randn(Kv, 7), wv = randn(Nv * Kv, 8), bv = randn(Nv, 9), yv0 = randn(Nv, 10);
    const wh = half(w), wvh = half(wv);
    const job = new Job();
    const X = job.f32(x), W = job.f16(w), Bb = job.f32(b), zero = job.zeros(4);
    const Y = job.zeros(M * N), Yacc = job.f32(y0), DY = job.f32(dy), DX = job.zeros(M * K), DXacc = job.f32(dx0);
    const XV = job.f32(xv), WV = job.f16(wv), BV = job.f32(bv), YV = job.zeros(Nv), YVacc = job.f32(yv0);
    job.call('matmulForward', Y, X, W, Bb, zero, { M, N, K }, false, variant);
    job.call('matmulForward', Yacc, X, W, null, zero, { M, N, K }, true, variant);
    job.call('matmulBackward', DX, DY, W, { M, N, K }, false, variant);
    job.call('matmulBackward', DXacc, DY, W, { M, N, K }, true, variant);
    job.call('matvecForward', YV, XV, WV, BV, zero, { N: Nv, K: Kv });
    job.call('matvecForward', YVacc, XV, WV, null, zero, { N: Nv, K: Kv }, true);
    for (const [buf, n] of [[Y, M * N], [Yacc, M * N], [DX, M * K], [DXacc, M * K], [YV, Nv], [YVacc, Nv]] as const) job.read(buf, n);
    const [y, yAcc, dX, dXacc, yv, yvAcc] = await gpu.run(job);
    expectClose(y, forward(x, wh, b, null, M, N, K), 'Y');
    expectClose(yAcc, forward(x, wh, null, y0, M, N, K), 'Y += (no bias)');
    expectClose(dX, backward(dy, wh, null, M, N, K), 'dX');
    expectClose(dXacc, backward(dy, wh, dx0, M, N, K), 'dX +=');
    expectClose(yv, forward(xv, wvh, bv, null, 1, Nv, Kv), 'matvec y');
    expectClose(yvAcc, forward(xv, wvh, null, yv0, 1, Nv, Kv), 'matvec y +=');
    // The f32 weights would give other numbers: rounding moves these outputs by ≫ the tolerance above.
    expect(maxDiff(y, forward(x, w, b, null, M, N, K))).toBeGreaterThan(1e-3);
    expect(maxDiff(dX, backward(dy, w, null, M, N, K))).toBeGreaterThan(1e-3);
    expect(maxDiff(yv, forward(xv, wv, bv, null, 1, Nv, Kv))).toBeGreaterThan(1e-3);
  });

  it('embedding gather of half token and position tables (odd C: halves straddle u32 words)', async () => {
    const [B, S, C, V, Pv, offset, N] = [2, 5, 7, 13, 1, 2, 9];
    const T = S - Pv;
    const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 2) % V);
    const E = randn(V * C, 11), prompt = randn(Pv * C, 12), wpe = randn(N * C, 13);
    const Eh = half(E), wpeh = half(wpe);
    const job = new Job();
    const X = job.zeros(B * S * C), Xnp = job.zeros(B * S * C);
    const IDS = job.i32(ids), EB = job.f16(E), PR = job.f32(prompt), WPE = job.f16(wpe), zero = job.zeros(4);
    job.call('embedForward', X, IDS, EB, PR, WPE, { B, S, C, Pv, offset, learned: true, scale: 1 });
    job.call('embedForward', Xnp, IDS, EB, PR, zero, { B, S, C, Pv, offset, learned: false, scale: 1 });
    job.read(X, B * S * C);
    job.read(Xnp, B * S * C);
    const [x, xnp] = await gpu.run(job);
    const refX = new Float64Array(B * S * C), refXnp = new Float64Array(B * S * C);
    for (let b = 0; b < B; b++)
      for (let s = 0; s < S; s++)
        for (let c = 0; c < C; c++) {
          const v = s < Pv ? prompt[s * C + c] : Eh[ids[b * T + s - Pv] * C + c]; // the prompt stays f32
          refXnp[(b * S + s) * C + c] = v;
          refX[(b * S + s) * C + c] = v + wpeh[(offset + s) * C + c];
        }
    expectClose(x, refX, 'embed + wpe (halves)', 0, 1e-6);
    expectClose(xnp, refXnp, 'embed (halves)', 0, 0); // a gather: exactly the half values
    const unrounded = Array.from(refXnp, (_, i) => {
      const s = Math.floor(i / C) % S;
      return s < Pv ? prompt[s * C + (i % C)] : E[ids[Math.floor(i / C / S) * T + s - Pv] * C + (i % C)];
    });
    expect(maxDiff(xnp, unrounded)).toBeGreaterThan(1e-5); // the table was read as halves, not f32
  });
});
