// The float64 decoder with a KV cache: the CPU fallback's generation, and an independent second path the WebGPU
// decoder's tokens are checked against. Each layer keeps K (after RoPE) and V of every position in float64;
// a prefix is copied into rows 0..Pk-1 as is (no RoPE, as in training); n new rows at positions start..start+n-1
// attend to cache rows 0..their own position (in a sliding-window layer, the last `window` of them). The prompt runs
// as one chunk of n rows, a step as a chunk of one.
import type { ExtraInputs } from '../model/batch.ts';
import { prefixRowWidth, ropeInvFreq, usesLocalRope, type ModelConfig } from '../model/config.ts';
import { checkGenerationInput, MAX_CACHE_POSITIONS, type KvDecoder } from '../model/generate.ts';
import { normGain, type ModelWeights, type Tensor } from '../model/weights.ts';
import * as op from './ops.ts';

export class ReferenceKvDecoder implements KvDecoder {
  readonly capacity: number;
  length = 0;
  private readonly kCache: Float64Array[];
  private readonly vCache: Float64Array[];
  private readonly invFreq: Float64Array;
  private readonly localFreq: Float64Array;

  constructor(
    readonly cfg: ModelConfig,
    readonly w: ModelWeights,
  ) {
    this.capacity = Math.min(cfg.maxPositions, MAX_CACHE_POSITIONS);
    const rowWidth = cfg.kvHeads * cfg.headDim;
    this.kCache = Array.from({ length: cfg.layers }, () => new Float64Array(this.capacity * rowWidth));
    this.vCache = Array.from({ length: cfg.layers }, () => new Float64Array(this.capacity * rowWidth));
    this.invFreq = cfg.positions === 'rope' ? ropeInvFreq(cfg) : new Float64Array(0);
    this.localFreq = cfg.localRopeTheta !== null ? ropeInvFreq(cfg, true) : this.invFreq;
  }

  async prefill(prompt: readonly number[], extras: ExtraInputs): Promise<Float32Array> {
    const { hidden: C, kvHeads: KVH, headDim: hd } = this.cfg;
    const { Pv, Pk } = checkGenerationInput(this.cfg, prompt, extras, this.capacity);
    const W = prefixRowWidth(this.cfg);
    for (let l = 0; l < this.cfg.layers; l++)
      for (let p = 0; p < Pk; p++)
        for (let j = 0; j < KVH * hd; j++) {
          this.kCache[l][p * KVH * hd + j] = extras.prefix![p * W + 2 * l * KVH * hd + j];
          this.vCache[l][p * KVH * hd + j] = extras.prefix![p * W + (2 * l + 1) * KVH * hd + j];
        }
    const n = Pv + prompt.length;
    const x = new Float64Array(n * C);
    for (let r = 0; r < n; r++)
      for (let c = 0; c < C; c++) x[r * C + c] = r < Pv ? extras.promptEmbeds![r * C + c] : this.w.embed.data[prompt[r - Pv] * C + c] * this.cfg.embedScale;
    this.length = Pk;
    return this.forward(x, n);
  }

  async step(token: number): Promise<Float32Array> {
    const C = this.cfg.hidden;
    if (!(Number.isInteger(token) && token >= 0 && token < this.cfg.vocabSize)) throw new Error(`token id ${token} is outside the vocabulary of ${this.cfg.vocabSize}`);
    if (this.length >= this.capacity) throw new Error(`the KV cache is full (${this.capacity} positions)`);
    return this.forward(Float64Array.from(this.w.embed.data.subarray(token * C, (token + 1) * C), (v) => v * this.cfg.embedScale), 1);
  }

  async readCache(rows: number): Promise<{ keys: Float32Array[]; values: Float32Array[] }> {
    if (!(Number.isInteger(rows) && rows >= 0 && rows <= this.length)) throw new Error(`the cache holds ${this.length} rows, not ${rows}`);
    const W = this.cfg.kvHeads * this.cfg.headDim;
    return { keys: this.kCache.map((k) => Float32Array.from(k.subarray(0, rows * W))), values: this.vCache.map((v) => Float32Array.from(v.subarray(0, rows * W))) };
  }

  /** n embedded rows at positions length..length+n-1 through every layer; logits of the last row. */
  private forward(x: Float64Array, n: number): Float32Array {
    const cfg = this.cfg;
    const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V, normEps: eps } = cfg;
    const start = this.length;
    const rms = cfg.norm === 'rmsnorm';
    const gain = (t: Tensor) => normGain(cfg, t);
    if (this.w.positions) for (let r = 0; r < n; r++) for (let c = 0; c < C; c++) x[r * C + c] += this.w.positions.data[(start + r) * C + c];
    const group = H / KVH;
    const scale = cfg.attnScale;
    const scores = new Float64Array(start + n);
    for (let l = 0; l < cfg.layers; l++) {
      const lw = this.w.layers[l];
      const h1 = op.normForward(x, n, C, gain(lw.norm1.weight), lw.norm1.bias?.data, eps, rms).y;
      let q = op.linearForward(h1, n, C, lw.q.weight.data, H * hd, lw.q.bias?.data);
      let k = op.linearForward(h1, n, C, lw.k.weight.data, KVH * hd, lw.k.bias?.data);
      const v = op.linearForward(h1, n, C, lw.v.weight.data, KVH * hd, lw.v.bias?.data);
      if (lw.qNorm && lw.kNorm) {
        q = op.normForward(q, n * H, hd, gain(lw.qNorm), undefined, eps, true).y;
        k = op.normForward(k, n * KVH, hd, gain(lw.kNorm), undefined, eps, true).y;
      }
      const invFreq = usesLocalRope(cfg, l) ? this.localFreq : this.invFreq;
      if (cfg.positions === 'rope') {
        op.rope(q, n, n, H, hd, start, invFreq, 1);
        op.rope(k, n, n, KVH, hd, start, invFreq, 1);
      }
      const window = cfg.layerWindows[l];
      const kc = this.kCache[l];
      const vc = this.vCache[l];
      kc.set(k, start * KVH * hd);
      vc.set(v, start * KVH * hd);
      const att = new Float64Array(n * H * hd);
      for (let r = 0; r < n; r++)
        for (let h = 0; h < H; h++) {
          const g = Math.floor(h / group);
          const qo = (r * H + h) * hd;
          const last = start + r; // cache rows 0..last: the prefix (if any), the earlier tokens, this one
          const first = window > 0 ? Math.max(0, last - window + 1) : 0;
          let max = -Infinity;
          for (let j = first; j <= last; j++) {
            let s = 0;
            for (let e = 0; e < hd; e++) s += q[qo + e] * kc[(j * KVH + g) * hd + e];
            scores[j] = s * scale;
            if (scores[j] > max) max = scores[j];
          }
          let sum = 0;
          for (let j = first; j <= last; j++) sum += (scores[j] = Math.exp(scores[j] - max));
          for (let j = first; j <= last; j++) {
            const p = scores[j] / sum;
            for (let e = 0; e < hd; e++) att[qo + e] += p * vc[(j * KVH + g) * hd + e];
          }
        }
      let o = op.linearForward(att, n, H * hd, lw.o.weight.data, C, lw.o.bias?.data);
      if (lw.postAttnNorm) o = op.normForward(o, n, C, gain(lw.postAttnNorm.weight), undefined, eps, true).y;
      for (let i = 0; i < x.length; i++) x[i] += o[i];
      const h2 = op.normForward(x, n, C, gain(lw.norm2.weight), lw.norm2.bias?.data, eps, rms).y;
      const up = op.linearForward(h2, n, C, lw.up.weight.data, I, lw.up.bias?.data);
      const gate = lw.gate ? op.linearForward(h2, n, C, lw.gate.weight.data, I) : null;
      const act = gate ? (cfg.mlp === 'geglu' ? op.gegluForward(gate, up) : op.swigluForward(gate, up)) : op.geluForward(up);
      let down = op.linearForward(act, n, I, lw.down.weight.data, C, lw.down.bias?.data);
      if (lw.postMlpNorm) down = op.normForward(down, n, C, gain(lw.postMlpNorm.weight), undefined, eps, true).y;
      for (let i = 0; i < x.length; i++) x[i] += down[i];
    }
    this.length = start + n;
    const lastRow = x.subarray((n - 1) * C, n * C);
    const hf = op.normForward(lastRow, 1, C, gain(this.w.finalNorm.weight), this.w.finalNorm.bias?.data, eps, rms).y;
    return Float32Array.from(op.linearForward(hf, 1, C, this.w.lmHead.data, V));
  }

  dispose(): void {}
}
