import { afterAll, beforeAll, describe, it } from 'vitest';
import type { AttentionDims } from '../../../src/engine/kernels/attention.ts';
import { expectClose, kernelRunner, randn, type KernelRunner } from './harness.ts';
import { Job } from './job.ts';

// Float64 reference of causal GQA attention over [prefix | tokens] with a key padding mask, forward and backward.
// q, dO (B, S, H, hd); k, v (B, S, KVH, hd); prefix (Pk, Wp) with layer l's keys at column (2l·KVH + g)·hd and
// values at ((2l+1)·KVH + g)·hd. Query i sees every prefix key and token key j ≤ i with mask[b, j] = 1; with a
// sliding window w > 0 only those whose index over [prefix | tokens] is within w - 1 places of Pk + i.
// A query that sees nothing (left padding, no prefix) gets out 0, lse 0 and no gradient, never NaN.
function refAttention(q: Float32Array, k: Float32Array, v: Float32Array, prefix: Float32Array, mask: number[], dO: Float32Array, d: AttentionDims) {
  const { B, S, H, KVH, hd, Pk, Wp, layer, scale, window } = d;
  const near = (key: number, i: number) => window === 0 || Pk + i - key < window;
  const out = new Float64Array(q.length), lse = new Float64Array(B * H * S);
  const dq = new Float64Array(q.length), dk = new Float64Array(k.length), dv = new Float64Array(v.length), dPrefix = new Float64Array(prefix.length);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / KVH));
      for (let i = 0; i < S; i++) {
        const qo = ((b * S + i) * H + h) * hd;
        // visible keys as (key offset, value offset, key/value arrays and their gradient arrays)
        const keys: { ko: number; vo: number; K: Float32Array; V: Float32Array; dK: Float64Array; dV: Float64Array }[] = [];
        for (let p = 0; p < Pk; p++)
          if (near(p, i))
            keys.push({ ko: p * Wp + (2 * layer * KVH + g) * hd, vo: p * Wp + ((2 * layer + 1) * KVH + g) * hd, K: prefix, V: prefix, dK: dPrefix, dV: dPrefix });
        for (let j = 0; j <= i; j++)
          if (mask[b * S + j] && near(Pk + j, i)) {
            const o = ((b * S + j) * KVH + g) * hd;
            keys.push({ ko: o, vo: o, K: k, V: v, dK: dk, dV: dv });
          }
        if (keys.length === 0) continue; // fully masked (padding query, no prefix): the kernel writes out 0, lse 0
        const s = keys.map(({ ko, K }) => {
          let t = 0;
          for (let e = 0; e < hd; e++) t += q[qo + e] * K[ko + e];
          return t * scale;
        });
        const m = Math.max(...s);
        const L = m + Math.log(s.reduce((a, x) => a + Math.exp(x - m), 0));
        lse[(b * H + h) * S + i] = L;
        const P = s.map((x) => Math.exp(x - L));
        keys.forEach(({ vo, V }, n) => {
          for (let e = 0; e < hd; e++) out[qo + e] += P[n] * V[vo + e];
        });
        const dp = keys.map(({ vo, V }) => {
          let t = 0;
          for (let e = 0; e < hd; e++) t += dO[qo + e] * V[vo + e];
          return t;
        });
        const D = dp.reduce((a, x, n) => a + P[n] * x, 0);
        keys.forEach(({ ko, vo, K, dK, dV }, n) => {
          const ds = P[n] * (dp[n] - D) * scale;
          for (let e = 0; e < hd; e++) {
            dq[qo + e] += ds * K[ko + e];
            dK[ko + e] += ds * q[qo + e];
            dV[vo + e] += P[n] * dO[qo + e];
          }
        });
      }
    }
  return { out, lse, dq, dk, dv, dPrefix };
}

describe('attention', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  // Row 0: a masked key in the middle; row 1: left padding (two masked columns). GQA: 4 query heads on 2 kv heads.
  const mask7 = [1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1];
  // Long rows: more keys (and, for dK/dV, more queries) than one workgroup's tile of 64, and a head dim of 72 so
  // that each invocation owns two output dims, the second only for the first 8 invocations.
  const S70 = 70;
  const mask70 = Array.from({ length: 2 * S70 }, (_, n) => (n % S70 === 33 || (n >= S70 && n < S70 + 3) ? 0 : 1));
  // Sliding windows (Gemma 3): shorter than the row, so prefix slots and early tokens drop out of late queries' view;
  // window 1 leaves a left-padded query with no key at all.
  const cases = [
    { Pk: 3, S: 7, hd: 8, mask: mask7, window: 0 },
    { Pk: 0, S: 7, hd: 8, mask: mask7, window: 0 },
    { Pk: 5, S: S70, hd: 72, mask: mask70, window: 0 },
    { Pk: 0, S: S70, hd: 72, mask: mask70, window: 0 },
    { Pk: 3, S: 7, hd: 8, mask: mask7, window: 4 },
    { Pk: 0, S: 7, hd: 8, mask: mask7, window: 1 },
    { Pk: 5, S: S70, hd: 72, mask: mask70, window: 40 },
  ];
  for (const { Pk, S, hd, mask, window } of cases)
    it(`forward (out, lse) and backward (dq, dk, dv${Pk ? ', dPrefix' : ''}) vs float64, Pk=${Pk}, S=${S}, hd=${hd}, GQA 4/2, padding${window ? `, window ${window}` : ''}`, async () => {
      const [B, H, KVH, L] = [2, 4, 2, 2];
      const Wp = L * 2 * KVH * hd;
      const scale = window ? 0.3 : 1 / Math.sqrt(hd);
      const d: AttentionDims = { B, S, H, KVH, hd, Pk, Wp, layer: 1, scale, window };
      const q = randn(B * S * H * hd, 1), k = randn(B * S * KVH * hd, 2), v = randn(B * S * KVH * hd, 3);
      const prefix = randn(Math.max(1, Pk) * Wp, 4), dO = randn(B * S * H * hd, 5);
      const job = new Job();
      const Q = job.f32(q), K = job.f32(k), V = job.f32(v), PF = job.f32(prefix), M = job.u32(mask), DO = job.f32(dO);
      const O = job.zeros(q.length), LSE = job.zeros(2 * B * H * S);
      const dq = job.zeros(q.length), dk = job.zeros(k.length), dv = job.zeros(v.length), dPrefix = job.zeros(prefix.length);
      job.call('attentionForward', O, LSE, Q, K, V, PF, M, d);
      job.call('attentionBackward', { dq, dk, dv, dPrefix }, DO, { q: Q, k: K, v: V, out: O, lse: LSE }, PF, M, d);
      for (const [b, n] of [[O, q.length], [LSE, B * H * S], [dq, q.length], [dk, k.length], [dv, v.length], [dPrefix, prefix.length]] as const) job.read(b, n);
      const [out, lse, gdq, gdk, gdv, gdp] = await gpu.run(job);
      const ref = refAttention(q, k, v, prefix, mask, dO, d);
      expectClose(out, ref.out, 'out');
      expectClose(lse, ref.lse, 'lse');
      expectClose(gdq, ref.dq, 'dq');
      expectClose(gdk, ref.dk, 'dk');
      expectClose(gdv, ref.dv, 'dv');
      if (Pk > 0) expectClose(gdp, ref.dPrefix, 'dPrefix (this layer; other layers untouched)');
      for (const x of [out, lse, gdq, gdk, gdv]) expectClose(x.map((y) => (Number.isFinite(y) ? 0 : 1)), x.map(() => 0), 'finite');
    });
});
