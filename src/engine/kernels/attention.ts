// Causal multi-head attention with GQA over [prefix KV | tokens], forward and backward.
// Letters: B rows, S tokens per row, H query heads, KVH kv heads, hd head dim, Pk prefix length.
//   q (B·S, H·hd), k and v (B·S, KVH·hd), out (B·S, H·hd), lse (B, H, S), mask (B, S) u32
//   prefix (Pk, Wp): PEFT's prompt_embeddings layout; layer l's key for kv head g at column ((2l)·KVH + g)·hd,
//   its value at ((2l + 1)·KVH + g)·hd. Prefix keys are always visible; token key j is visible to query i iff
//   j ≤ i and mask[b, j] = 1. Query head h reads kv head h / (H / KVH) (transformers repeat_kv).
// Forward keeps only the log-sum-exp per query; backward recomputes the probabilities (no S×S buffer):
//   D_i = dO_i·O_i,  P_ij = exp(s_ij - lse_i),  dS_ij = P_ij (dO_i·v_j - D_i)
//   dq_i = scale Σ_j dS_ij k_j,  dk_j = scale Σ_i dS_ij q_i,  dv_j = Σ_i P_ij dO_i   (summed over the group's heads)
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { f32, grid, LINEAR_ID } from '../gpu/program.ts';

const WG = 64;
export const MAX_HEAD_DIM = 256;

const header = /* wgsl */ `
struct Dims { B: u32, S: u32, H: u32, KVH: u32, hd: u32, Pk: u32, Wp: u32, layer: u32, scale: f32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
${LINEAR_ID}
fn qOff(b: u32, i: u32, h: u32) -> u32 { return ((b * d.S + i) * d.H + h) * d.hd; }
fn kvOff(b: u32, j: u32, g: u32) -> u32 { return ((b * d.S + j) * d.KVH + g) * d.hd; }
fn prefixKOff(p: u32, g: u32) -> u32 { return p * d.Wp + ((2u * d.layer) * d.KVH + g) * d.hd; }
fn prefixVOff(p: u32, g: u32) -> u32 { return p * d.Wp + ((2u * d.layer + 1u) * d.KVH + g) * d.hd; }
fn lseOff(b: u32, h: u32, i: u32) -> u32 { return (b * d.H + h) * d.S + i; }
// D lives in the second half of the lse buffer: fewer bindings (≤ 8 storage buffers per stage everywhere).
fn dOff(b: u32, h: u32, i: u32) -> u32 { return d.B * d.H * d.S + lseOff(b, h, i); }`;

const forwardWgsl = (HD: number) => /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read> prefix: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;
@group(0) @binding(6) var<storage, read_write> O: array<f32>;
@group(0) @binding(7) var<storage, read_write> lse: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.B * d.H * d.S) { return; }
  let i = id % d.S;
  let h = (id / d.S) % d.H;
  let b = id / (d.S * d.H);
  let g = h / (d.H / d.KVH);
  let qo = qOff(b, i, h);
  var acc: array<f32, ${HD}>;
  for (var e = 0u; e < d.hd; e++) { acc[e] = 0.0; }
  var m = -3.0e38;
  var l = 0.0;
  for (var p = 0u; p < d.Pk; p++) {
    let ko = prefixKOff(p, g);
    var s = 0.0;
    for (var e = 0u; e < d.hd; e++) { s += Q[qo + e] * prefix[ko + e]; }
    s *= d.scale;
    let mNew = max(m, s);
    let c = exp(m - mNew);
    let w = exp(s - mNew);
    l = l * c + w;
    let vo = prefixVOff(p, g);
    for (var e = 0u; e < d.hd; e++) { acc[e] = acc[e] * c + w * prefix[vo + e]; }
    m = mNew;
  }
  for (var j = 0u; j <= i; j++) {
    if (mask[b * d.S + j] == 0u) { continue; }
    let ko = kvOff(b, j, g);
    var s = 0.0;
    for (var e = 0u; e < d.hd; e++) { s += Q[qo + e] * K[ko + e]; }
    s *= d.scale;
    let mNew = max(m, s);
    let c = exp(m - mNew);
    let w = exp(s - mNew);
    l = l * c + w;
    for (var e = 0u; e < d.hd; e++) { acc[e] = acc[e] * c + w * V[ko + e]; }
    m = mNew;
  }
  let inv = select(0.0, 1.0 / l, l > 0.0);
  for (var e = 0u; e < d.hd; e++) { O[qo + e] = acc[e] * inv; }
  lse[lseOff(b, h, i)] = select(0.0, m + log(l), l > 0.0);
}`;

// D_i = dO_i · O_i, one invocation per (b, h, i).
const deltaWgsl = /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> dO: array<f32>;
@group(0) @binding(2) var<storage, read> O: array<f32>;
@group(0) @binding(3) var<storage, read_write> lseD: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.B * d.H * d.S) { return; }
  let i = id % d.S;
  let h = (id / d.S) % d.H;
  let b = id / (d.S * d.H);
  let o = qOff(b, i, h);
  var s = 0.0;
  for (var e = 0u; e < d.hd; e++) { s += dO[o + e] * O[o + e]; }
  lseD[dOff(b, h, i)] = s;
}`;

// dQ, one invocation per (b, h, i).
const dqWgsl = (HD: number) => /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read> prefix: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;
@group(0) @binding(6) var<storage, read> dO: array<f32>;
@group(0) @binding(7) var<storage, read> lseD: array<f32>;
@group(0) @binding(8) var<storage, read_write> dQ: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.B * d.H * d.S) { return; }
  let i = id % d.S;
  let h = (id / d.S) % d.H;
  let b = id / (d.S * d.H);
  let g = h / (d.H / d.KVH);
  let qo = qOff(b, i, h);
  let L = lseD[lseOff(b, h, i)];
  let Di = lseD[dOff(b, h, i)];
  var acc: array<f32, ${HD}>;
  for (var e = 0u; e < d.hd; e++) { acc[e] = 0.0; }
  for (var p = 0u; p < d.Pk; p++) {
    let ko = prefixKOff(p, g);
    let vo = prefixVOff(p, g);
    var s = 0.0;
    var dp = 0.0;
    for (var e = 0u; e < d.hd; e++) { s += Q[qo + e] * prefix[ko + e]; dp += dO[qo + e] * prefix[vo + e]; }
    let ds = exp(s * d.scale - L) * (dp - Di) * d.scale;
    for (var e = 0u; e < d.hd; e++) { acc[e] += ds * prefix[ko + e]; }
  }
  for (var j = 0u; j <= i; j++) {
    if (mask[b * d.S + j] == 0u) { continue; }
    let ko = kvOff(b, j, g);
    var s = 0.0;
    var dp = 0.0;
    for (var e = 0u; e < d.hd; e++) { s += Q[qo + e] * K[ko + e]; dp += dO[qo + e] * V[ko + e]; }
    let ds = exp(s * d.scale - L) * (dp - Di) * d.scale;
    for (var e = 0u; e < d.hd; e++) { acc[e] += ds * K[ko + e]; }
  }
  for (var e = 0u; e < d.hd; e++) { dQ[qo + e] = acc[e]; }
}`;

// dK, dV of the tokens, one invocation per (b, g, j): sums over the group's heads and the queries i ≥ j.
const dkvWgsl = (HD: number) => /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<u32>;
@group(0) @binding(5) var<storage, read> dO: array<f32>;
@group(0) @binding(6) var<storage, read> lseD: array<f32>;
@group(0) @binding(7) var<storage, read_write> dK: array<f32>;
@group(0) @binding(8) var<storage, read_write> dV: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.B * d.KVH * d.S) { return; }
  let j = id % d.S;
  let g = (id / d.S) % d.KVH;
  let b = id / (d.S * d.KVH);
  let ko = kvOff(b, j, g);
  var dk: array<f32, ${HD}>;
  var dv: array<f32, ${HD}>;
  for (var e = 0u; e < d.hd; e++) { dk[e] = 0.0; dv[e] = 0.0; }
  if (mask[b * d.S + j] != 0u) {
    let group = d.H / d.KVH;
    for (var h = g * group; h < (g + 1u) * group; h++) {
      for (var i = j; i < d.S; i++) {
        let qo = qOff(b, i, h);
        var s = 0.0;
        var dp = 0.0;
        for (var e = 0u; e < d.hd; e++) { s += Q[qo + e] * K[ko + e]; dp += dO[qo + e] * V[ko + e]; }
        let pij = exp(s * d.scale - lseD[lseOff(b, h, i)]);
        let ds = pij * (dp - lseD[dOff(b, h, i)]) * d.scale;
        for (var e = 0u; e < d.hd; e++) { dk[e] += ds * Q[qo + e]; dv[e] += pij * dO[qo + e]; }
      }
    }
  }
  for (var e = 0u; e < d.hd; e++) { dK[ko + e] = dk[e]; dV[ko + e] = dv[e]; }
}`;

// d prefix keys and values of this layer, one invocation per (g, p): sums over rows, heads and queries, and
// writes straight into the gradient table in PEFT's layout.
const dprefixWgsl = (HD: number) => /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> prefix: array<f32>;
@group(0) @binding(3) var<storage, read> dO: array<f32>;
@group(0) @binding(4) var<storage, read> lseD: array<f32>;
@group(0) @binding(5) var<storage, read_write> dPrefix: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.KVH * d.Pk) { return; }
  let p = id % d.Pk;
  let g = id / d.Pk;
  let ko = prefixKOff(p, g);
  let vo = prefixVOff(p, g);
  var dk: array<f32, ${HD}>;
  var dv: array<f32, ${HD}>;
  for (var e = 0u; e < d.hd; e++) { dk[e] = 0.0; dv[e] = 0.0; }
  let group = d.H / d.KVH;
  for (var b = 0u; b < d.B; b++) {
    for (var h = g * group; h < (g + 1u) * group; h++) {
      for (var i = 0u; i < d.S; i++) {
        let qo = qOff(b, i, h);
        var s = 0.0;
        var dp = 0.0;
        for (var e = 0u; e < d.hd; e++) { s += Q[qo + e] * prefix[ko + e]; dp += dO[qo + e] * prefix[vo + e]; }
        let pij = exp(s * d.scale - lseD[lseOff(b, h, i)]);
        let ds = pij * (dp - lseD[dOff(b, h, i)]) * d.scale;
        for (var e = 0u; e < d.hd; e++) { dk[e] += ds * Q[qo + e]; dv[e] += pij * dO[qo + e]; }
      }
    }
  }
  for (var e = 0u; e < d.hd; e++) { dPrefix[ko + e] = dk[e]; dPrefix[vo + e] = dv[e]; }
}`;

/** Any head dim up to the limit (tests of the kernels alone). */
export const ATTENTION_KERNELS_ANY_HEAD_DIM = (): KernelSource[] => attentionKernels(MAX_HEAD_DIM);

/** Compiled per model: private accumulators sized to its head dim (a fixed 256 made SwiftShader ~slower). */
export function attentionKernels(headDim: number): KernelSource[] {
  if (headDim > MAX_HEAD_DIM) throw new Error(`head_dim=${headDim} exceeds the attention kernel's limit of ${MAX_HEAD_DIM}`);
  return [
    { name: 'attentionForward', code: forwardWgsl(headDim), workgroupSize: WG },
    { name: 'attentionDelta', code: deltaWgsl, workgroupSize: WG },
    { name: 'attentionDq', code: dqWgsl(headDim), workgroupSize: WG },
    { name: 'attentionDkv', code: dkvWgsl(headDim), workgroupSize: WG },
    { name: 'attentionDprefix', code: dprefixWgsl(headDim), workgroupSize: WG },
  ];
}

export interface AttentionDims {
  B: number;
  S: number;
  H: number;
  KVH: number;
  hd: number;
  Pk: number; // prefix length (0: none)
  Wp: number; // prefix row width L·2·KVH·hd (any value ≥ 1 when Pk = 0)
  layer: number;
}

const words = (d: AttentionDims) => [d.B, d.S, d.H, d.KVH, d.hd, d.Pk, d.Wp, d.layer, f32(1 / Math.sqrt(d.hd)), 0, 0, 0];

export function checkAttentionDims(d: AttentionDims): void {
  if (d.hd > MAX_HEAD_DIM) throw new Error(`head_dim=${d.hd} exceeds the attention kernel's limit of ${MAX_HEAD_DIM}`);
  if (d.H % d.KVH !== 0) throw new Error(`heads=${d.H} must be a multiple of kv heads=${d.KVH}`);
}

export function attentionForward(p: ProgramBuilder, out: GPUBuffer, lse: GPUBuffer, q: GPUBuffer, k: GPUBuffer, v: GPUBuffer, prefix: GPUBuffer, mask: GPUBuffer, d: AttentionDims): void {
  checkAttentionDims(d);
  p.dispatch('attentionForward', words(d), [q, k, v, prefix, mask, out, lse], grid(d.B * d.H * d.S, WG));
}

/** Writes dq, dk, dv (and this layer's slots of dPrefix when Pk > 0). `saved.lse` must hold 2·B·H·S floats:
 *  forward fills the first half, backward uses the second for D. */
export function attentionBackward(
  p: ProgramBuilder,
  grads: { dq: GPUBuffer; dk: GPUBuffer; dv: GPUBuffer; dPrefix: GPUBuffer },
  dout: GPUBuffer,
  saved: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer; out: GPUBuffer; lse: GPUBuffer },
  prefix: GPUBuffer,
  mask: GPUBuffer,
  d: AttentionDims,
): void {
  const w = words(d);
  p.dispatch('attentionDelta', w, [dout, saved.out, saved.lse], grid(d.B * d.H * d.S, WG));
  p.dispatch('attentionDq', w, [saved.q, saved.k, saved.v, prefix, mask, dout, saved.lse, grads.dq], grid(d.B * d.H * d.S, WG));
  p.dispatch('attentionDkv', w, [saved.q, saved.k, saved.v, mask, dout, saved.lse, grads.dk, grads.dv], grid(d.B * d.KVH * d.S, WG));
  if (d.Pk > 0) p.dispatch('attentionDprefix', w, [saved.q, prefix, dout, saved.lse, grads.dPrefix], grid(d.KVH * d.Pk, WG));
}
