// The decoder as a recorded GPU program: forward in model order, then (for training) backward in reverse,
// layer by layer — the same shape as the float64 reference, one kernel call per line. Gemma 3's post norms (on a
// sublayer's output, before its residual add) are normForward accumulating into the residual stream.
// Letters: B rows, S tokens per row (virtual included), Pv soft-prompt rows, Pk prefix length, R scored rows.
import type { ModelConfig } from './config.ts';
import { prefixRowWidth, usesLocalRope } from './config.ts';
import type { DecoderBuffers } from './gpu-buffers.ts';
import { ProgramBuilder, type KernelSet, type Program } from '../gpu/program.ts';
import { matmulBackward, matmulForward } from '../kernels/matmul.ts';
import { normBackward, normForward } from '../kernels/norm.ts';
import { gatedBackwardOp, gatedForwardOp, geluBackwardOp, geluForwardOp } from '../kernels/activation.ts';
import { ropeBackward, ropeForward } from '../kernels/rope.ts';
import { attentionBackward, attentionForward } from '../kernels/attention.ts';
import { copy, embedForward, fill, gatherRows, promptGrad, scatterRows } from '../kernels/embedding.ts';
import { crossEntropy } from '../kernels/crossentropy.ts';

export interface ProgramShape {
  B: number;
  S: number;
  Pv: number;
  Pk: number;
  R: number;
  grad: boolean;
}

export function recordDecoderProgram(kernels: KernelSet, cfg: ModelConfig, buf: DecoderBuffers, shape: ProgramShape): Program {
  const p = new ProgramBuilder(kernels);
  const { B, S, Pv, Pk, R } = shape;
  const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V, normEps: eps } = cfg;
  const M = B * S; // rows of every per-token matmul
  const rms = cfg.norm === 'rmsnorm';
  const norm = { rows: M, C, eps, rms };
  const headNorm = (heads: number) => ({ rows: M * heads, C: hd, eps, rms: true });
  const rope = (heads: number) => ({ rows: M, S, heads, hd, offset: Pk });
  const att = (layer: number) => ({ B, S, H, KVH, hd, Pk, Wp: Math.max(1, prefixRowWidth(cfg)), layer, scale: cfg.attnScale, window: cfg.layerWindows[layer] });
  const ropeTableOf = (layer: number) => (usesLocalRope(cfg, layer) ? buf.ropeTableLocal : buf.ropeTable);
  const gated = cfg.mlp === 'geglu' ? 'geglu' : 'swiglu';
  const z = buf.zero;

  // ── forward ──────────────────────────────────────────────────────────────────────────────────────────
  embedForward(p, buf.acts[0].x, buf.ids, buf.embed, buf.prompt, buf.wpe, { B, S, C, Pv, offset: Pk, learned: cfg.positions === 'learned', scale: cfg.embedScale });
  buf.layers.forEach((w, l) => {
    const a = buf.acts[l];
    const next = l + 1 < cfg.layers ? buf.acts[l + 1].x : buf.xOut;
    normForward(p, a.h1, a.stats1, a.x, w.norm1, w.norm1Bias, z, norm);
    matmulForward(p, a.qRaw ?? a.q, a.h1, w.q, w.qBias, z, { M, N: H * hd, K: C });
    matmulForward(p, a.kRaw ?? a.k, a.h1, w.k, w.kBias, z, { M, N: KVH * hd, K: C });
    matmulForward(p, a.v, a.h1, w.v, w.vBias, z, { M, N: KVH * hd, K: C });
    if (a.qRaw && a.kRaw && a.qStats && a.kStats && w.qNorm && w.kNorm) {
      normForward(p, a.q, a.qStats, a.qRaw, w.qNorm, null, z, headNorm(H));
      normForward(p, a.k, a.kStats, a.kRaw, w.kNorm, null, z, headNorm(KVH));
    }
    if (cfg.positions === 'rope') {
      ropeForward(p, a.q, ropeTableOf(l), rope(H));
      ropeForward(p, a.k, ropeTableOf(l), rope(KVH));
    }
    attentionForward(p, a.att, a.lse, a.q, a.k, a.v, buf.prefix, buf.mask, att(l));
    // xMid = x + o(att), or x + postAttnNorm(o(att))
    copy(p, a.xMid, a.x, M * C);
    if (a.oOut && a.statsPA && w.postAttnNorm) {
      matmulForward(p, a.oOut, a.att, w.o, w.oBias, z, { M, N: C, K: H * hd });
      normForward(p, a.xMid, a.statsPA, a.oOut, w.postAttnNorm, null, z, norm, true);
    } else matmulForward(p, a.xMid, a.att, w.o, w.oBias, z, { M, N: C, K: H * hd }, true);
    normForward(p, a.h2, a.stats2, a.xMid, w.norm2, w.norm2Bias, z, norm);
    if (a.gate && w.gate) {
      matmulForward(p, a.gate, a.h2, w.gate, null, z, { M, N: I, K: C });
      matmulForward(p, a.up, a.h2, w.up, w.upBias, z, { M, N: I, K: C });
      gatedForwardOp(p, gated, a.act, a.gate, a.up, M * I);
    } else {
      matmulForward(p, a.up, a.h2, w.up, w.upBias, z, { M, N: I, K: C });
      geluForwardOp(p, a.act, a.up, M * I);
    }
    // next = xMid + down(act), or xMid + postMlpNorm(down(act))
    copy(p, next, a.xMid, M * C);
    if (a.downOut && a.statsPF && w.postMlpNorm) {
      matmulForward(p, a.downOut, a.act, w.down, w.downBias, z, { M, N: C, K: I });
      normForward(p, next, a.statsPF, a.downOut, w.postMlpNorm, null, z, norm, true);
    } else matmulForward(p, next, a.act, w.down, w.downBias, z, { M, N: C, K: I }, true);
  });
  normForward(p, buf.hf, buf.statsF, buf.xOut, buf.finalNorm, buf.finalNormBias, z, norm);
  gatherRows(p, buf.hT, buf.hf, buf.pos, R, C);
  matmulForward(p, buf.logits, buf.hT, buf.head, null, z, { M: R, N: V, K: C });
  crossEntropy(p, buf.losses, buf.logits, buf.targets, buf.dyn, R, V, shape.grad);
  if (!shape.grad) return p.build();

  // ── backward (activation gradients only) ────────────────────────────────────────────────────────────
  matmulBackward(p, buf.dhT, buf.logits, buf.head, { M: R, N: V, K: C });
  fill(p, buf.dh, M * C, 0);
  scatterRows(p, buf.dh, buf.dhT, buf.pos, R, C);
  normBackward(p, buf.dx, buf.dh, buf.xOut, buf.finalNorm, buf.statsF, norm);
  for (let l = cfg.layers - 1; l >= 0; l--) {
    const w = buf.layers[l];
    const a = buf.acts[l];
    // x_{l+1} = xMid + [postMlpNorm](down(act(h2))),  h2 = norm2(xMid)
    let dDown = buf.dx;
    if (a.downOut && a.statsPF && w.postMlpNorm && buf.dSub) {
      normBackward(p, buf.dSub, buf.dx, a.downOut, w.postMlpNorm, a.statsPF, norm);
      dDown = buf.dSub;
    }
    matmulBackward(p, buf.dAct, dDown, w.down, { M, N: C, K: I });
    if (a.gate && w.gate) {
      gatedBackwardOp(p, gated, a.gate, a.up, buf.dAct, M * I); // gate, up now hold dGate, dUp
      matmulBackward(p, buf.dh, a.gate, w.gate, { M, N: I, K: C });
      matmulBackward(p, buf.dh, a.up, w.up, { M, N: I, K: C }, true);
    } else {
      geluBackwardOp(p, a.up, buf.dAct, M * I); // up now holds dUp
      matmulBackward(p, buf.dh, a.up, w.up, { M, N: I, K: C });
    }
    copy(p, buf.dxMid, buf.dx, M * C);
    normBackward(p, buf.dxMid, buf.dh, a.xMid, w.norm2, a.stats2, norm, true);
    // xMid = x + [postAttnNorm](o(attention(rope(q), rope(k), v))),  q, k, v = projections of h1 = norm1(x)
    let dO = buf.dxMid;
    if (a.oOut && a.statsPA && w.postAttnNorm && buf.dSub) {
      normBackward(p, buf.dSub, buf.dxMid, a.oOut, w.postAttnNorm, a.statsPA, norm);
      dO = buf.dSub;
    }
    matmulBackward(p, buf.dAtt, dO, w.o, { M, N: C, K: H * hd });
    attentionBackward(p, { dq: buf.dq, dk: buf.dk, dv: buf.dv, dPrefix: buf.dPrefix }, buf.dAtt, { q: a.q, k: a.k, v: a.v, out: a.att, lse: a.lse }, buf.prefix, buf.mask, att(l));
    if (cfg.positions === 'rope') {
      ropeBackward(p, buf.dq, ropeTableOf(l), rope(H));
      ropeBackward(p, buf.dk, ropeTableOf(l), rope(KVH));
    }
    let dq = buf.dq;
    let dk = buf.dk;
    if (a.qRaw && a.kRaw && a.qStats && a.kStats && w.qNorm && w.kNorm && buf.dqRaw && buf.dkRaw) {
      normBackward(p, buf.dqRaw, buf.dq, a.qRaw, w.qNorm, a.qStats, headNorm(H));
      normBackward(p, buf.dkRaw, buf.dk, a.kRaw, w.kNorm, a.kStats, headNorm(KVH));
      dq = buf.dqRaw;
      dk = buf.dkRaw;
    }
    matmulBackward(p, buf.dh, dq, w.q, { M, N: H * hd, K: C });
    matmulBackward(p, buf.dh, dk, w.k, { M, N: KVH * hd, K: C }, true);
    matmulBackward(p, buf.dh, buf.dv, w.v, { M, N: KVH * hd, K: C }, true);
    copy(p, buf.dx, buf.dxMid, M * C);
    normBackward(p, buf.dx, buf.dh, a.x, w.norm1, a.stats1, norm, true);
  }
  if (Pv > 0) promptGrad(p, buf.dPrompt, buf.dx, { B, S, C, Pv, offset: 0, learned: false, scale: 1 });
  return p.build();
}
