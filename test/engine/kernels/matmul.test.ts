import { beforeAll, describe, it } from 'vitest';
import { matmulBackward, matmulForward, matmulNaive } from '../../../src/engine/kernels/matmul.ts';
import { expectClose, harness, randn, type Harness } from './harness.ts';

// CPU references in float64. X (M, K), W (N, K) (nn.Linear), b (N), Y (M, N), dY (M, N), dX (M, K).
function refForward(x: Float32Array, w: Float32Array, b: Float32Array | null, y0: Float32Array | null, M: number, N: number, K: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = b ? b[j] : 0;
      for (let k = 0; k < K; k++) s += x[i * K + k] * w[j * K + k];
      y[i * N + j] = s + (y0 ? y0[i * N + j] : 0);
    }
  return y;
}

function refBackward(dy: Float32Array, w: Float32Array, dx0: Float32Array | null, M: number, N: number, K: number): Float64Array {
  const dx = new Float64Array(M * K);
  for (let i = 0; i < M; i++)
    for (let k = 0; k < K; k++) {
      let s = dx0 ? dx0[i * K + k] : 0;
      for (let j = 0; j < N; j++) s += dy[i * N + j] * w[j * K + k];
      dx[i * K + k] = s;
    }
  return dx;
}

// Odd sizes: M and N not multiples of the 4×4 block nor of the workgroup tile; K a multiple of 4 (required).
const SHAPES: [number, number, number][] = [
  [1, 1, 4],
  [7, 13, 20],
  [37, 53, 68],
  [70, 33, 132],
];

describe('matmul', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  for (const [M, N, K] of SHAPES) {
    it(`forward Y = X·Wᵀ + b, plain and accumulating, M=${M} N=${N} K=${K}`, async () => {
      const x = randn(M * K, 1 + M), w = randn(N * K, 2 + N), b = randn(N, 3), y0 = randn(M * N, 4);
      const X = h.f32(x), W = h.f32(w), Bb = h.f32(b), zero = h.zeros(4);
      const Y = h.zeros(M * N), Yacc = h.f32(y0), Ynb = h.zeros(M * N);
      await h.run((p) => {
        matmulForward(p, Y, X, W, Bb, zero, { M, N, K });
        matmulForward(p, Yacc, X, W, Bb, zero, { M, N, K }, true);
        matmulForward(p, Ynb, X, W, null, zero, { M, N, K });
      });
      expectClose(await h.read(Y, M * N), refForward(x, w, b, null, M, N, K), 'Y');
      expectClose(await h.read(Yacc, M * N), refForward(x, w, b, y0, M, N, K), 'Y += ');
      expectClose(await h.read(Ynb, M * N), refForward(x, w, null, null, M, N, K), 'Y no bias');
    });

    it(`backward dX = dY·W, plain and accumulating, M=${M} N=${N} K=${K}`, async () => {
      const dy = randn(M * N, 5 + M), w = randn(N * K, 6 + N), dx0 = randn(M * K, 7);
      const DY = h.f32(dy), W = h.f32(w), DX = h.zeros(M * K), DXacc = h.f32(dx0);
      await h.run((p) => {
        matmulBackward(p, DX, DY, W, { M, N, K });
        matmulBackward(p, DXacc, DY, W, { M, N, K }, true);
      });
      expectClose(await h.read(DX, M * K), refBackward(dy, w, null, M, N, K), 'dX');
      expectClose(await h.read(DXacc, M * K), refBackward(dy, w, dx0, M, N, K), 'dX += ');
    });
  }

  it('naive kernel agrees with the reference (bench baseline)', async () => {
    const [M, N, K] = [19, 23, 12];
    const x = randn(M * K, 8), w = randn(N * K, 9);
    const Y = h.zeros(M * N);
    await h.run((p) => matmulNaive(p, Y, h.f32(x), h.f32(w), { M, N, K }));
    expectClose(await h.read(Y, M * N), refForward(x, w, null, null, M, N, K), 'naive Y');
  });
});
