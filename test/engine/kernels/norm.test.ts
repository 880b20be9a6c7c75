import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';

// CPU reference in float64, rows of width C: LayerNorm (biased variance) and RMSNorm, dX only.
function refNorm(x: Float32Array, w: Float32Array, b: Float32Array | null, dy: Float32Array, rows: number, C: number, eps: number, rms: boolean) {
  const y = new Float64Array(rows * C), stats = new Float64Array(rows * 2), dx = new Float64Array(rows * C);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let mean = 0;
    if (!rms) for (let c = 0; c < C; c++) mean += x[o + c] / C;
    let v = 0;
    for (let c = 0; c < C; c++) v += (x[o + c] - mean) ** 2 / C;
    const rstd = 1 / Math.sqrt(v + eps);
    stats[2 * r] = mean;
    stats[2 * r + 1] = rstd;
    let mg = 0, mgx = 0;
    for (let c = 0; c < C; c++) {
      const xh = (x[o + c] - mean) * rstd;
      y[o + c] = xh * w[c] + (b ? b[c] : 0);
      const g = dy[o + c] * w[c];
      mg += g / C;
      mgx += (g * xh) / C;
    }
    if (rms) mg = 0;
    for (let c = 0; c < C; c++) dx[o + c] = rstd * (dy[o + c] * w[c] - mg - (x[o + c] - mean) * rstd * mgx);
  }
  return { y, stats, dx };
}

describe('norm', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  // C = 37 (not a multiple of the 64-wide workgroup) and 200 (several elements per lane); 13 rows.
  for (const C of [37, 200])
    for (const rms of [false, true])
      it(`${rms ? 'RMSNorm' : 'LayerNorm'} forward (out, stats; plain, accumulating) and backward dX (plain, accumulating), rows=13 C=${C}`, async () => {
        const rows = 13, eps = 1e-5;
        const x = randn(rows * C, C + 1, 2), w = randn(C, C + 2), b = rms ? null : randn(C, C + 3), dy = randn(rows * C, C + 4), dx0 = randn(rows * C, 5);
        const job = new Job();
        const X = job.f32(x), W = job.f32(w), Bb = b ? job.f32(b) : null, zero = job.zeros(4);
        const Y = job.zeros(rows * C), Yacc = job.f32(dx0), S = job.zeros(rows * 2), DY = job.f32(dy), DX = job.zeros(rows * C), DXacc = job.f32(dx0);
        const dims = { rows, C, eps, rms };
        job.call('normForward', Y, S, X, W, Bb, zero, dims);
        job.call('normForward', Yacc, S, X, W, Bb, zero, dims, true);
        job.call('normBackward', DX, DY, X, W, S, dims);
        job.call('normBackward', DXacc, DY, X, W, S, dims, true);
        job.read(Y, rows * C);
        job.read(S, rows * 2);
        job.read(DX, rows * C);
        job.read(DXacc, rows * C);
        job.read(Yacc, rows * C);
        const [y, stats, dx, dxAcc, yAcc] = await gpu.run(job);
        const ref = refNorm(x, w, b, dy, rows, C, eps, rms);
        expectClose(y, ref.y, 'Y');
        expectClose(stats, ref.stats, 'mean, rstd', 1e-5, 1e-5);
        expectClose(dx, ref.dx, 'dX', 2e-5, 1e-5);
        expectClose(dxAcc, Array.from(ref.dx, (v, i) => v + dx0[i]), 'dX +=', 2e-5, 1e-5);
        expectClose(yAcc, Array.from(ref.y, (v, i) => v + dx0[i]), 'Y += (Gemma post norms)');
      });
});
