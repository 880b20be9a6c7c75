// The decoder in plain float64, forward then backward, reading like the model (fixtures README semantics):
// x = embed (+ prompt rows, + wpe); per layer x += o(attn(rope(q), rope(k), v)), x += mlp(norm2(x)); norm; head.
// Gemma 3 adds: token embeddings × √C, a norm on each sublayer's output before its residual add (postAttnNorm,
// postMlpNorm), sliding-window layers with their own RoPE table, GeGLU.
// It is the oracle the WebGPU engine is checked against, and the CPU fallback when a browser has no WebGPU.
// Letters: B rows, T tokens, P virtual, S = P + T (prompt) or T (prefix), C hidden, V vocab.
import type { ExtraInputs, TokenBatch } from '../model/batch.ts';
import { IGNORE_INDEX } from '../model/batch.ts';
import { prefixRowWidth, ropeInvFreq, usesLocalRope, type ModelConfig } from '../model/config.ts';
import { normGain, type ModelWeights, type Tensor } from '../model/weights.ts';
import * as op from './ops.ts';
import { attentionBackward, attentionForward, type AttentionTape } from './attention.ts';

interface LayerTape {
  x: Float64Array; h1: Float64Array; n1: { mean: Float64Array; rstd: Float64Array };
  qRaw: Float64Array; kRaw: Float64Array; qn?: { mean: Float64Array; rstd: Float64Array }; kn?: { mean: Float64Array; rstd: Float64Array };
  q: Float64Array; k: Float64Array; v: Float64Array; pk: Float64Array; pv: Float64Array; att: Float64Array; attTape: AttentionTape;
  o: Float64Array; pa?: { mean: Float64Array; rstd: Float64Array }; // o_proj output and its post-attention norm (Gemma 3)
  xMid: Float64Array; h2: Float64Array; n2: { mean: Float64Array; rstd: Float64Array };
  gate?: Float64Array; up: Float64Array; act: Float64Array;
  down: Float64Array; pf?: { mean: Float64Array; rstd: Float64Array }; // down_proj output and its post-feedforward norm
  invFreq: Float64Array; // this layer's RoPE frequencies (Gemma 3: local or global)
}

export interface ReferenceTape {
  cfg: ModelConfig; w: ModelWeights; B: number; S: number; Pv: number; Pk: number;
  mask: Uint8Array; layers: LayerTape[]; xOut: Float64Array; nf: { mean: Float64Array; rstd: Float64Array };
  hf: Float64Array; targets: { pos: number; label: number }[]; probs: Map<number, Float64Array>;
}

export interface ReferenceForward {
  loss: number; // mean cross-entropy over scored tokens (NaN when none is scored)
  targets: number; // number of scored tokens
  rowLogProb: Float64Array; // (B) sum of log-probabilities of each row's scored tokens
  logits?: Float64Array; // (B, S, V) when asked
  residual?: Float64Array; // (L+1, B, S, C) when asked: entering each layer, then leaving the last (pre-norm)
  tape: ReferenceTape;
}

export interface ReferenceOptions {
  logits?: boolean;
  residual?: boolean;
}

/** Checks the batch and extra inputs against the model; returns P and which kind of extra is used. */
function checkInputs(cfg: ModelConfig, batch: TokenBatch, extras: ExtraInputs): { Pv: number; Pk: number } {
  const { rows: B, columns: T } = batch;
  if (!(Number.isInteger(B) && B > 0 && Number.isInteger(T) && T > 0)) throw new Error(`batch must have rows ≥ 1 and columns ≥ 1 (got ${B} × ${T})`);
  for (const [name, arr] of [['inputIds', batch.inputIds], ['attentionMask', batch.attentionMask], ['labels', batch.labels]] as const)
    if (arr.length !== B * T) throw new Error(`batch.${name} has ${arr.length} entries, expected rows × columns = ${B * T}`);
  const V = cfg.vocabSize;
  for (let i = 0; i < B * T; i++) {
    const id = batch.inputIds[i];
    if (!(id >= 0 && id < V)) throw new Error(`token id ${id} at row ${Math.floor(i / T)}, column ${i % T} is outside the vocabulary [0, ${V})`);
    const label = batch.labels[i];
    if (label !== IGNORE_INDEX && !(label >= 0 && label < V))
      throw new Error(`label ${label} at row ${Math.floor(i / T)}, column ${i % T} is neither ${IGNORE_INDEX} nor a token id in [0, ${V})`);
  }
  if (extras.promptEmbeds && extras.prefix) throw new Error('give either promptEmbeds or prefix, not both');
  const table = extras.promptEmbeds ?? extras.prefix;
  if (!table) {
    if (cfg.positions === 'learned' && T > cfg.maxPositions)
      throw new Error(`${T} tokens need ${T} positions but the model has ${cfg.maxPositions}; shorten the inputs`);
    return { Pv: 0, Pk: 0 };
  }
  const width = extras.promptEmbeds ? cfg.hidden : prefixRowWidth(cfg);
  const P = extras.virtualTokens ?? table.length / width;
  if (!(Number.isInteger(P) && P >= 1) || table.length !== P * width)
    throw new Error(
      `${extras.promptEmbeds ? 'promptEmbeds' : 'prefix'} has ${table.length} values; expected P × ${width}` +
        (extras.virtualTokens !== undefined ? ` = ${extras.virtualTokens * width} for P = ${extras.virtualTokens}` : ''),
    );
  const used = P + T; // positions 0..P+T-1 in both methods
  if (cfg.positions === 'learned' && used > cfg.maxPositions)
    throw new Error(`${P} virtual + ${T} tokens need ${used} positions but the model has ${cfg.maxPositions}; shorten the inputs or the prompt`);
  return extras.promptEmbeds ? { Pv: P, Pk: 0 } : { Pv: 0, Pk: P };
}

export function referenceForward(cfg: ModelConfig, w: ModelWeights, batch: TokenBatch, extras: ExtraInputs, opts: ReferenceOptions = {}): ReferenceForward {
  const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V, normEps: eps } = cfg;
  const { Pv, Pk } = checkInputs(cfg, batch, extras);
  const { rows: B, columns: T } = batch;
  const S = Pv + T;
  const M = B * S;
  const rms = cfg.norm === 'rmsnorm';
  const gain = (t: Tensor) => normGain(cfg, t);
  const globalFreq = cfg.positions === 'rope' ? ropeInvFreq(cfg) : new Float64Array(0);
  const localFreq = cfg.localRopeTheta !== null ? ropeInvFreq(cfg, true) : globalFreq;
  const mask = new Uint8Array(M);
  let x = new Float64Array(M * C);
  for (let b = 0; b < B; b++)
    for (let s = 0; s < S; s++) {
      mask[b * S + s] = s < Pv ? 1 : batch.attentionMask[b * T + s - Pv];
      for (let c = 0; c < C; c++) {
        // Virtual tokens enter as they are; token embeddings are scaled (Gemma: × √C, PEFT never scales the prompt).
        let val = s < Pv ? extras.promptEmbeds![s * C + c] : w.embed.data[batch.inputIds[b * T + s - Pv] * C + c] * cfg.embedScale;
        if (w.positions) val += w.positions.data[(Pk + s) * C + c];
        x[(b * S + s) * C + c] = val;
      }
    }
  const W = prefixRowWidth(cfg);
  const layers: LayerTape[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const lw = w.layers[l];
    // This layer's prefix keys and values, (Pk, KVH·hd), out of PEFT's layout.
    const pk = new Float64Array(Pk * KVH * hd);
    const pv = new Float64Array(Pk * KVH * hd);
    for (let p = 0; p < Pk; p++)
      for (let j = 0; j < KVH * hd; j++) {
        pk[p * KVH * hd + j] = extras.prefix![p * W + 2 * l * KVH * hd + j];
        pv[p * KVH * hd + j] = extras.prefix![p * W + (2 * l + 1) * KVH * hd + j];
      }
    const n1 = op.normForward(x, M, C, gain(lw.norm1.weight), lw.norm1.bias?.data, eps, rms);
    const qRaw = op.linearForward(n1.y, M, C, lw.q.weight.data, H * hd, lw.q.bias?.data);
    const kRaw = op.linearForward(n1.y, M, C, lw.k.weight.data, KVH * hd, lw.k.bias?.data);
    const v = op.linearForward(n1.y, M, C, lw.v.weight.data, KVH * hd, lw.v.bias?.data);
    let q = qRaw.slice();
    let k = kRaw.slice();
    let qn, kn;
    if (lw.qNorm && lw.kNorm) {
      qn = op.normForward(qRaw, M * H, hd, gain(lw.qNorm), undefined, eps, true);
      kn = op.normForward(kRaw, M * KVH, hd, gain(lw.kNorm), undefined, eps, true);
      q = qn.y;
      k = kn.y;
    }
    const invFreq = usesLocalRope(cfg, l) ? localFreq : globalFreq;
    if (cfg.positions === 'rope') {
      op.rope(q, M, S, H, hd, Pk, invFreq, 1);
      op.rope(k, M, S, KVH, hd, Pk, invFreq, 1);
    }
    const a = attentionForward(q, k, v, pk, pv, mask, { B, S, H, KVH, hd, Pk, scale: cfg.attnScale, window: cfg.layerWindows[l] });
    const xMid = x.slice();
    const o = op.linearForward(a.out, M, H * hd, lw.o.weight.data, C, lw.o.bias?.data);
    const pa = lw.postAttnNorm ? op.normForward(o, M, C, gain(lw.postAttnNorm.weight), undefined, eps, true) : undefined;
    const attnOut = pa ? pa.y : o;
    for (let i = 0; i < xMid.length; i++) xMid[i] += attnOut[i];
    const n2 = op.normForward(xMid, M, C, gain(lw.norm2.weight), lw.norm2.bias?.data, eps, rms);
    let gate: Float64Array | undefined;
    const up = op.linearForward(n2.y, M, C, lw.up.weight.data, I, lw.up.bias?.data);
    let act: Float64Array;
    if (lw.gate) {
      gate = op.linearForward(n2.y, M, C, lw.gate.weight.data, I);
      act = cfg.mlp === 'geglu' ? op.gegluForward(gate, up) : op.swigluForward(gate, up);
    } else act = op.geluForward(up);
    const down = op.linearForward(act, M, I, lw.down.weight.data, C, lw.down.bias?.data);
    const pf = lw.postMlpNorm ? op.normForward(down, M, C, gain(lw.postMlpNorm.weight), undefined, eps, true) : undefined;
    const mlpOut = pf ? pf.y : down;
    const next = xMid.slice();
    for (let i = 0; i < next.length; i++) next[i] += mlpOut[i];
    layers.push({ x, h1: n1.y, n1, qRaw, kRaw, qn, kn, q, k, v, pk, pv, att: a.out, attTape: a.tape, o, pa, xMid, h2: n2.y, n2, gate, up, act, down, pf, invFreq });
    x = next;
  }
  const nf = op.normForward(x, M, C, gain(w.finalNorm.weight), w.finalNorm.bias?.data, eps, rms);
  // Scored positions: position s predicts label s + 1 of the (virtual-token-extended) labels.
  const targets: { pos: number; label: number }[] = [];
  for (let b = 0; b < B; b++)
    for (let s = 0; s + 1 < S; s++) {
      const t = s + 1 - Pv;
      if (t < 0) continue;
      const label = batch.labels[b * T + t];
      if (label !== IGNORE_INDEX) targets.push({ pos: b * S + s, label });
    }
  const logitsAt = (pos: number) => op.linearForward(nf.y.subarray(pos * C, (pos + 1) * C), 1, C, w.lmHead.data, V);
  const probs = new Map<number, Float64Array>();
  const rowLogProb = new Float64Array(B);
  let sum = 0;
  for (const { pos, label } of targets) {
    const z = logitsAt(pos);
    let max = -Infinity;
    for (let i = 0; i < V; i++) if (z[i] > max) max = z[i];
    let se = 0;
    for (const v of z) se += Math.exp(v - max);
    const lse = max + Math.log(se);
    sum += lse - z[label];
    rowLogProb[Math.floor(pos / S)] += z[label] - lse;
    probs.set(pos, z.map((v) => Math.exp(v - lse)));
  }
  let logits: Float64Array | undefined;
  if (opts.logits) {
    logits = new Float64Array(M * V);
    for (let pos = 0; pos < M; pos++) logits.set(logitsAt(pos), pos * V);
  }
  let residual: Float64Array | undefined;
  if (opts.residual) {
    residual = new Float64Array((cfg.layers + 1) * M * C);
    layers.forEach((lt, l) => residual!.set(lt.x, l * M * C));
    residual.set(x, cfg.layers * M * C);
  }
  return {
    loss: targets.length ? sum / targets.length : NaN,
    targets: targets.length,
    rowLogProb,
    logits,
    residual,
    tape: { cfg, w, B, S, Pv, Pk, mask, layers, xOut: x, nf, hf: nf.y, targets, probs },
  };
}

/** d loss / d (the extra input), summed over rows, in the input's layout. */
export function referenceBackward(t: ReferenceTape): { promptEmbeds?: Float64Array; prefix?: Float64Array } {
  const { cfg, w, B, S, Pv, Pk } = t;
  const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V } = cfg;
  const M = B * S;
  const rms = cfg.norm === 'rmsnorm';
  const gain = (t: Tensor) => normGain(cfg, t);
  const dhf = new Float64Array(M * C);
  const n = t.targets.length;
  for (const { pos, label } of t.targets) {
    const p = t.probs.get(pos)!;
    const dz = p.map((v, i) => (v - (i === label ? 1 : 0)) / n);
    dhf.set(op.linearBackward(dz, 1, C, w.lmHead.data, V), pos * C);
  }
  let dx: Float64Array = op.normBackward(dhf, t.xOut, M, C, gain(w.finalNorm.weight), t.nf.mean, t.nf.rstd, rms);
  const W = prefixRowWidth(cfg);
  const dPrefix = Pk ? new Float64Array(Pk * W) : undefined;
  for (let l = cfg.layers - 1; l >= 0; l--) {
    const lw = w.layers[l];
    const a = t.layers[l];
    // x_{l+1} = xMid + postMlpNorm?(down(act(h2)))
    const dDown = lw.postMlpNorm && a.pf ? op.normBackward(dx, a.down, M, C, gain(lw.postMlpNorm.weight), a.pf.mean, a.pf.rstd, true) : dx;
    const dAct = op.linearBackward(dDown, M, I, lw.down.weight.data, C);
    let dh2: Float64Array;
    if (lw.gate && a.gate) {
      const { dGate, dUp } = cfg.mlp === 'geglu' ? op.gegluBackward(dAct, a.gate, a.up) : op.swigluBackward(dAct, a.gate, a.up);
      dh2 = op.linearBackward(dGate, M, C, lw.gate.weight.data, I);
      const d2 = op.linearBackward(dUp, M, C, lw.up.weight.data, I);
      for (let i = 0; i < dh2.length; i++) dh2[i] += d2[i];
    } else dh2 = op.linearBackward(op.geluBackward(dAct, a.up), M, C, lw.up.weight.data, I);
    const dxMid = op.normBackward(dh2, a.xMid, M, C, gain(lw.norm2.weight), a.n2.mean, a.n2.rstd, rms);
    for (let i = 0; i < dxMid.length; i++) dxMid[i] += dx[i];
    // xMid = x + postAttnNorm?(o(attention(...)))
    const dO = lw.postAttnNorm && a.pa ? op.normBackward(dxMid, a.o, M, C, gain(lw.postAttnNorm.weight), a.pa.mean, a.pa.rstd, true) : dxMid;
    const dAtt = op.linearBackward(dO, M, H * hd, lw.o.weight.data, C);
    const g = attentionBackward(dAtt, a.q, a.k, a.v, a.pk, a.pv, a.attTape, { B, S, H, KVH, hd, Pk, scale: cfg.attnScale, window: cfg.layerWindows[l] });
    if (cfg.positions === 'rope') {
      op.rope(g.dq, M, S, H, hd, Pk, a.invFreq, -1);
      op.rope(g.dk, M, S, KVH, hd, Pk, a.invFreq, -1);
    }
    let dq: Float64Array = g.dq;
    let dk: Float64Array = g.dk;
    if (lw.qNorm && lw.kNorm && a.qn && a.kn) {
      dq = op.normBackward(g.dq, a.qRaw, M * H, hd, gain(lw.qNorm), a.qn.mean, a.qn.rstd, true);
      dk = op.normBackward(g.dk, a.kRaw, M * KVH, hd, gain(lw.kNorm), a.kn.mean, a.kn.rstd, true);
    }
    const dh1 = op.linearBackward(dq, M, C, lw.q.weight.data, H * hd);
    const dk1 = op.linearBackward(dk, M, C, lw.k.weight.data, KVH * hd);
    const dv1 = op.linearBackward(g.dv, M, C, lw.v.weight.data, KVH * hd);
    for (let i = 0; i < dh1.length; i++) dh1[i] += dk1[i] + dv1[i];
    const dxl = op.normBackward(dh1, a.x, M, C, gain(lw.norm1.weight), a.n1.mean, a.n1.rstd, rms);
    for (let i = 0; i < dxl.length; i++) dxl[i] += dxMid[i];
    dx = dxl;
    if (dPrefix)
      for (let p = 0; p < Pk; p++)
        for (let j = 0; j < KVH * hd; j++) {
          dPrefix[p * W + 2 * l * KVH * hd + j] = g.dpk[p * KVH * hd + j];
          dPrefix[p * W + (2 * l + 1) * KVH * hd + j] = g.dpv[p * KVH * hd + j];
        }
  }
  if (Pv) {
    const dPrompt = new Float64Array(Pv * C);
    for (let b = 0; b < B; b++) for (let i = 0; i < Pv * C; i++) dPrompt[i] += dx[b * S * C + i];
    return { promptEmbeds: dPrompt };
  }
  return { prefix: dPrefix };
}

/** Per row, the sum of log-probabilities of its labelled tokens (rank classification scores a label this way). */
export function referenceLogProbs(cfg: ModelConfig, w: ModelWeights, batch: TokenBatch, extras: ExtraInputs = {}): Float64Array {
  return referenceForward(cfg, w, batch, extras).rowLogProb;
}
