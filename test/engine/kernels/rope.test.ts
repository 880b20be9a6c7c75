import { afterAll, beforeAll, describe, it } from 'vitest';
import { ropeTable } from '../../../src/engine/kernels/rope.ts';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';

// CPU reference in float64: rotate-half RoPE on (B·S, heads, hd) at position offset + s, by +angle (forward)
// or -angle (backward: the rotation's transpose).
function refRope(x: Float32Array, invFreq: Float64Array, B: number, S: number, heads: number, hd: number, offset: number, sign: number): Float64Array {
  const out = Float64Array.from(x);
  const half = hd / 2;
  for (let b = 0; b < B; b++)
    for (let s = 0; s < S; s++)
      for (let h = 0; h < heads; h++) {
        const o = ((b * S + s) * heads + h) * hd;
        for (let i = 0; i < half; i++) {
          const a = (offset + s) * invFreq[i];
          const c = Math.cos(a), sn = sign * Math.sin(a);
          out[o + i] = x[o + i] * c - x[o + i + half] * sn;
          out[o + i + half] = x[o + i + half] * c + x[o + i] * sn;
        }
      }
  return out;
}

describe('rope', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  it('forward rotates q and k heads at offset positions; backward rotates by the negative angle', async () => {
    const [B, S, H, KVH, hd, offset] = [2, 7, 3, 1, 12, 5];
    const invFreq = Float64Array.from({ length: hd / 2 }, (_, i) => Math.pow(10000, (-2 * i) / hd));
    const table = ropeTable(invFreq, offset + S);
    const q = randn(B * S * H * hd, 1), k = randn(B * S * KVH * hd, 2), dq = randn(B * S * H * hd, 3);
    const job = new Job();
    const T = job.f32(table), Q = job.f32(q), K = job.f32(k), DQ = job.f32(dq);
    job.call('ropeForward', Q, T, { rows: B * S, S, heads: H, hd, offset });
    job.call('ropeForward', K, T, { rows: B * S, S, heads: KVH, hd, offset });
    job.call('ropeBackward', DQ, T, { rows: B * S, S, heads: H, hd, offset });
    job.read(Q, q.length);
    job.read(K, k.length);
    job.read(DQ, dq.length);
    const [gq, gk, gdq] = await gpu.run(job);
    expectClose(gq, refRope(q, invFreq, B, S, H, hd, offset, 1), 'rope(q)');
    expectClose(gk, refRope(k, invFreq, B, S, KVH, hd, offset, 1), 'rope(k)');
    expectClose(gdq, refRope(dq, invFreq, B, S, H, hd, offset, -1), 'rope backward(dq)');
  });
});
