// Causal GQA attention over [prefix | tokens] in float64, forward and backward, probabilities kept (it is the
// reference, clarity over memory). Layouts as the WebGPU kernel: q (B·S, H·hd), k, v (B·S, KVH·hd), prefix
// keys/values (Pk, KVH·hd) for this layer, mask (B, S). Query i sees every prefix key and token j ≤ i with mask 1;
// in a sliding-window layer only keys less than `window` places behind it, counted over [prefix | tokens]
// (query i is index Pk + i, prefix slot p index p, token j index Pk + j).

export interface AttentionDims {
  B: number;
  S: number;
  H: number;
  KVH: number;
  hd: number;
  Pk: number;
  scale: number; // scores are q·k × scale
  window: number; // sliding window (keys a query reads, itself included); 0: full attention
}

export interface AttentionTape {
  probs: Float64Array; // (B, H, S, Pk + S)
}

export function attentionForward(q: Float64Array, k: Float64Array, v: Float64Array, pk: Float64Array, pv: Float64Array, mask: Uint8Array, d: AttentionDims): { out: Float64Array; tape: AttentionTape } {
  const { B, S, H, KVH, hd, Pk } = d;
  const J = Pk + S;
  const { scale, window } = d;
  const out = new Float64Array(B * S * H * hd);
  const probs = new Float64Array(B * H * S * J);
  const group = H / KVH;
  const scores = new Float64Array(J);
  // Key/value row j of head g: a prefix row (shared by every batch row) or token j - Pk of row b.
  const kvOffset = (b: number, j: number, g: number) => (j < Pk ? (j * KVH + g) * hd : ((b * S + j - Pk) * KVH + g) * hd);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / group);
      for (let i = 0; i < S; i++) {
        const qo = ((b * S + i) * H + h) * hd;
        const row = ((b * H + h) * S + i) * J;
        let max = -Infinity;
        for (let j = 0; j < J; j++) {
          scores[j] = -Infinity;
          const inWindow = window === 0 || Pk + i - j < window;
          const visible = inWindow && (j < Pk || (j - Pk <= i && mask[b * S + (j - Pk)] === 1));
          if (!visible) continue;
          const kk = j < Pk ? pk : k;
          const ko = kvOffset(b, j, g);
          let s = 0;
          for (let e = 0; e < hd; e++) s += q[qo + e] * kk[ko + e];
          scores[j] = s * scale;
          if (scores[j] > max) max = scores[j];
        }
        // A query that sees no key (a left pad with neither prefix nor prompt) keeps a zero output: its value
        // reaches no other position, since pad keys are masked for every query.
        if (max === -Infinity) continue;
        let sum = 0;
        for (let j = 0; j < J; j++) sum += scores[j] === -Infinity ? 0 : Math.exp(scores[j] - max);
        for (let j = 0; j < J; j++) {
          const p = scores[j] === -Infinity ? 0 : Math.exp(scores[j] - max) / sum;
          probs[row + j] = p;
          if (p === 0) continue;
          const vv = j < Pk ? pv : v;
          const vo = kvOffset(b, j, g);
          for (let e = 0; e < hd; e++) out[qo + e] += p * vv[vo + e];
        }
      }
    }
  return { out, tape: { probs } };
}

export function attentionBackward(dout: Float64Array, q: Float64Array, k: Float64Array, v: Float64Array, pk: Float64Array, pv: Float64Array, tape: AttentionTape, d: AttentionDims) {
  const { B, S, H, KVH, hd, Pk } = d;
  const J = Pk + S;
  const scale = d.scale;
  const dq = new Float64Array(q.length);
  const dk = new Float64Array(k.length);
  const dv = new Float64Array(v.length);
  const dpk = new Float64Array(pk.length);
  const dpv = new Float64Array(pv.length);
  const group = H / KVH;
  const dp = new Float64Array(J);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / group);
      for (let i = 0; i < S; i++) {
        const qo = ((b * S + i) * H + h) * hd;
        const row = ((b * H + h) * S + i) * J;
        let dsum = 0;
        for (let j = 0; j < J; j++) {
          const p = tape.probs[row + j];
          dp[j] = 0;
          if (p === 0) continue;
          const vo = j < Pk ? (j * KVH + g) * hd : ((b * S + j - Pk) * KVH + g) * hd;
          const vv = j < Pk ? pv : v;
          const dvv = j < Pk ? dpv : dv;
          for (let e = 0; e < hd; e++) {
            dp[j] += dout[qo + e] * vv[vo + e];
            dvv[vo + e] += p * dout[qo + e];
          }
          dsum += p * dp[j];
        }
        for (let j = 0; j < J; j++) {
          const p = tape.probs[row + j];
          if (p === 0) continue;
          const ds = p * (dp[j] - dsum) * scale;
          const ko = j < Pk ? (j * KVH + g) * hd : ((b * S + j - Pk) * KVH + g) * hd;
          const kk = j < Pk ? pk : k;
          const dkk = j < Pk ? dpk : dk;
          for (let e = 0; e < hd; e++) {
            dq[qo + e] += ds * kk[ko + e];
            dkk[ko + e] += ds * q[qo + e];
          }
        }
      }
    }
  return { dq, dk, dv, dpk, dpv };
}
