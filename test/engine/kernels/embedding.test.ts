import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';

// B rows, S columns incl. Pv soft-prompt rows, C channels, V vocabulary, N learned positions.
describe('embedding', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  it('embeds [prompt | E[ids]] + wpe[offset + s], and [prompt | scale·E[ids]] (Gemma: tokens scaled, virtual tokens not); promptGrad sums rows; gather/scatter by position', async () => {
    const [B, S, C, V, Pv, offset, N] = [3, 6, 10, 17, 2, 1, 12];
    const T = S - Pv;
    const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V);
    const E = randn(V * C, 1), prompt = randn(Pv * C, 2), wpe = randn(N * C, 3), dX = randn(B * S * C, 4);
    const pos = [4, -1, 0, 17, 9]; // flat row indices into (B·S); -1 is a padding slot of the bucket
    const R = pos.length;
    const rows = randn(R * C, 5);
    const job = new Job();
    const X = job.zeros(B * S * C), Xnp = job.zeros(B * S * C), DP = job.zeros(Pv * C), G = job.zeros(R * C), DXs = job.zeros(B * S * C);
    const IDS = job.i32(ids), EB = job.f32(E), PR = job.f32(prompt), WPE = job.f32(wpe), DXB = job.f32(dX), POS = job.i32(pos), ROWS = job.f32(rows);
    job.call('embedForward', X, IDS, EB, PR, WPE, { B, S, C, Pv, offset, learned: true, scale: 1 });
    job.call('embedForward', Xnp, IDS, EB, PR, WPE, { B, S, C, Pv, offset, learned: false, scale: 2.5 });
    job.call('promptGrad', DP, DXB, { B, S, C, Pv, offset, learned: true, scale: 1 });
    job.call('gatherRows', G, DXB, POS, R, C);
    job.call('scatterRows', DXs, ROWS, POS, R, C);
    for (const [b, n] of [[X, B * S * C], [Xnp, B * S * C], [DP, Pv * C], [G, R * C], [DXs, B * S * C]] as const) job.read(b, n);
    const [x, xnp, dp, g, dxs] = await gpu.run(job);

    const refX = new Float64Array(B * S * C), refXnp = new Float64Array(B * S * C);
    for (let b = 0; b < B; b++)
      for (let s = 0; s < S; s++)
        for (let c = 0; c < C; c++) {
          const v = s < Pv ? prompt[s * C + c] : E[ids[b * T + s - Pv] * C + c];
          refXnp[(b * S + s) * C + c] = s < Pv ? v : 2.5 * v;
          refX[(b * S + s) * C + c] = v + wpe[(offset + s) * C + c];
        }
    const refDp = Array.from({ length: Pv * C }, (_, i) => {
      let sum = 0;
      for (let b = 0; b < B; b++) sum += dX[b * S * C + i];
      return sum;
    });
    const refG = pos.flatMap((p) => Array.from({ length: C }, (_, c) => (p < 0 ? 0 : dX[p * C + c])));
    const refDxs = new Float64Array(B * S * C);
    pos.forEach((p, r) => {
      if (p >= 0) for (let c = 0; c < C; c++) refDxs[p * C + c] = rows[r * C + c];
    });
    expectClose(x, refX, 'embed + wpe');
    expectClose(xnp, refXnp, 'embed, tokens × 2.5');
    expectClose(dp, refDp, 'promptGrad');
    expectClose(g, refG, 'gatherRows');
    expectClose(dxs, refDxs, 'scatterRows');
  });
});
