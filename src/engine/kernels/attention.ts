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

// Layout of the kernels below: one workgroup of WG invocations per output row — a query (b, h, i) for the forward
// and dq, a key (b, g, j) or prefix slot (g, p) for dk/dv — rather than one invocation per row. Measured on an H100
// (docs/gpu-bench.md), the invocation-per-row kernels took ~7.5 ms a layer of the GPT-2-small step (8×144 tokens,
// 12 heads of 64): 13.8k invocations each walking up to 144 keys × 64 dims serially with a 64-float private array
// is too little parallelism and too much latency for a GPU. Here the workgroup takes the keys (or queries) a tile
// of WG at a time: invocation u computes one score of the tile (a dot product against the row held in workgroup
// memory), the scores go to workgroup memory, and then invocation u owns dims u, u + WG, … of the output and sums
// the tile's contributions along them (coalesced loads across the workgroup). Every invocation reads the tile's
// scores itself (max, exp): redundant but cheaper than a reduction tree's barriers at WG = 64.
const NONE = '-3.0e38'; // score of a key the query cannot see (a real score is far above -1e38)

const rowKernelHead = (HD: number) => /* wgsl */ `${header}
const WG = ${WG}u;
const E = ${Math.ceil(HD / WG)}u; // output dims per invocation: lid, lid + WG, …
fn rowId(wid: vec3u, nwg: vec3u) -> u32 { return wid.x + wid.y * nwg.x; }`;

// Forward: online softmax over [prefix | tokens j ≤ i], a tile of WG keys at a time.
const forwardWgsl = (HD: number) => /* wgsl */ `${rowKernelHead(HD)}
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read> prefix: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;
@group(0) @binding(6) var<storage, read_write> O: array<f32>;
@group(0) @binding(7) var<storage, read_write> lse: array<f32>;
var<workgroup> qs: array<f32, ${HD}>;
var<workgroup> sc: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let id = rowId(wid, nwg);
  if (id >= d.B * d.H * d.S) { return; }
  let i = id % d.S;
  let h = (id / d.S) % d.H;
  let b = id / (d.S * d.H);
  let g = h / (d.H / d.KVH);
  let qo = qOff(b, i, h);
  for (var e = lid; e < d.hd; e += WG) { qs[e] = Q[qo + e]; }
  workgroupBarrier();
  var acc: array<f32, E>;
  var m = ${NONE};
  var l = 0.0;
  let n = d.Pk + i + 1u; // keys: prefix slots, then tokens 0..i
  for (var t0 = 0u; t0 < n; t0 += WG) {
    let t = t0 + lid;
    var s = ${NONE};
    if (t < d.Pk) {
      let ko = prefixKOff(t, g);
      var x = 0.0;
      for (var e = 0u; e < d.hd; e++) { x += qs[e] * prefix[ko + e]; }
      s = x * d.scale;
    } else if (t < n && mask[b * d.S + t - d.Pk] != 0u) {
      let ko = kvOff(b, t - d.Pk, g);
      var x = 0.0;
      for (var e = 0u; e < d.hd; e++) { x += qs[e] * K[ko + e]; }
      s = x * d.scale;
    }
    sc[lid] = s;
    workgroupBarrier();
    let cnt = min(WG, n - t0);
    var tm = ${NONE};
    for (var u = 0u; u < cnt; u++) { tm = max(tm, sc[u]); }
    let mNew = max(m, tm);
    let c = exp(m - mNew);
    l *= c;
    for (var r = 0u; r < E; r++) { acc[r] *= c; }
    for (var u = 0u; u < cnt; u++) {
      let su = sc[u];
      if (su < -1.0e38) { continue; }
      let w = exp(su - mNew);
      l += w;
      let tt = t0 + u;
      if (tt < d.Pk) {
        let vo = prefixVOff(tt, g);
        for (var r = 0u; r < E; r++) { let e = lid + r * WG; if (e < d.hd) { acc[r] += w * prefix[vo + e]; } }
      } else {
        let vo = kvOff(b, tt - d.Pk, g);
        for (var r = 0u; r < E; r++) { let e = lid + r * WG; if (e < d.hd) { acc[r] += w * V[vo + e]; } }
      }
    }
    m = mNew;
    workgroupBarrier(); // sc is rewritten by the next tile
  }
  let inv = select(0.0, 1.0 / l, l > 0.0);
  for (var r = 0u; r < E; r++) { let e = lid + r * WG; if (e < d.hd) { O[qo + e] = acc[r] * inv; } }
  if (lid == 0u) { lse[lseOff(b, h, i)] = select(0.0, m + log(l), l > 0.0); }
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

// dQ, one workgroup per (b, h, i): invocation u scores key t0 + u and writes dS to workgroup memory, then each
// invocation sums dS · k along its dims.
const dqWgsl = (HD: number) => /* wgsl */ `${rowKernelHead(HD)}
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read> prefix: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;
@group(0) @binding(6) var<storage, read> dO: array<f32>;
@group(0) @binding(7) var<storage, read> lseD: array<f32>;
@group(0) @binding(8) var<storage, read_write> dQ: array<f32>;
var<workgroup> qs: array<f32, ${HD}>;
var<workgroup> dos: array<f32, ${HD}>;
var<workgroup> dsS: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let id = rowId(wid, nwg);
  if (id >= d.B * d.H * d.S) { return; }
  let i = id % d.S;
  let h = (id / d.S) % d.H;
  let b = id / (d.S * d.H);
  let g = h / (d.H / d.KVH);
  let qo = qOff(b, i, h);
  let L = lseD[lseOff(b, h, i)];
  let Di = lseD[dOff(b, h, i)];
  for (var e = lid; e < d.hd; e += WG) { qs[e] = Q[qo + e]; dos[e] = dO[qo + e]; }
  workgroupBarrier();
  var acc: array<f32, E>;
  let n = d.Pk + i + 1u;
  for (var t0 = 0u; t0 < n; t0 += WG) {
    let t = t0 + lid;
    var ds = 0.0;
    if (t < d.Pk) {
      let ko = prefixKOff(t, g);
      let vo = prefixVOff(t, g);
      var s = 0.0;
      var dp = 0.0;
      for (var e = 0u; e < d.hd; e++) { s += qs[e] * prefix[ko + e]; dp += dos[e] * prefix[vo + e]; }
      ds = exp(s * d.scale - L) * (dp - Di) * d.scale;
    } else if (t < n && mask[b * d.S + t - d.Pk] != 0u) {
      let ko = kvOff(b, t - d.Pk, g);
      var s = 0.0;
      var dp = 0.0;
      for (var e = 0u; e < d.hd; e++) { s += qs[e] * K[ko + e]; dp += dos[e] * V[ko + e]; }
      ds = exp(s * d.scale - L) * (dp - Di) * d.scale;
    }
    dsS[lid] = ds;
    workgroupBarrier();
    let cnt = min(WG, n - t0);
    for (var u = 0u; u < cnt; u++) {
      let w = dsS[u];
      if (w == 0.0) { continue; }
      let tt = t0 + u;
      if (tt < d.Pk) {
        let ko = prefixKOff(tt, g);
        for (var r = 0u; r < E; r++) { let e = lid + r * WG; if (e < d.hd) { acc[r] += w * prefix[ko + e]; } }
      } else {
        let ko = kvOff(b, tt - d.Pk, g);
        for (var r = 0u; r < E; r++) { let e = lid + r * WG; if (e < d.hd) { acc[r] += w * K[ko + e]; } }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < E; r++) { let e = lid + r * WG; if (e < d.hd) { dQ[qo + e] = acc[r]; } }
}`;

// dK, dV of one key row, summed over the queries that see it: invocation u takes query q0 + u of the list, computes
// P and dS against the key and value held in workgroup memory, then each invocation sums dS·q and P·dO along its
// dims. Two instances: token keys (one workgroup per (b, g, j), queries (h in g's group, i ≥ j)) and prefix slots
// (one per (g, p), queries (b, h in g's group, every i)), which write into PEFT's prefix gradient layout.
const keyGradWgsl = (HD: number, prefixSlots: boolean) => /* wgsl */ `${rowKernelHead(HD)}
@group(0) @binding(1) var<storage, read> Q: array<f32>;
${
  prefixSlots
    ? `@group(0) @binding(2) var<storage, read> prefix: array<f32>;
@group(0) @binding(3) var<storage, read> dO: array<f32>;
@group(0) @binding(4) var<storage, read> lseD: array<f32>;
@group(0) @binding(5) var<storage, read_write> dPrefix: array<f32>;`
    : `@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<u32>;
@group(0) @binding(5) var<storage, read> dO: array<f32>;
@group(0) @binding(6) var<storage, read> lseD: array<f32>;
@group(0) @binding(7) var<storage, read_write> dK: array<f32>;
@group(0) @binding(8) var<storage, read_write> dV: array<f32>;`
}
var<workgroup> ks: array<f32, ${HD}>;
var<workgroup> vs: array<f32, ${HD}>;
var<workgroup> pS: array<f32, ${WG}>;
var<workgroup> dsS: array<f32, ${WG}>;
var<workgroup> qoS: array<u32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let id = rowId(wid, nwg);
  let group = d.H / d.KVH;
${
  prefixSlots
    ? `  if (id >= d.KVH * d.Pk) { return; }
  let p = id % d.Pk;
  let g = id / d.Pk;
  let ko = prefixKOff(p, g);
  let vo = prefixVOff(p, g);
  for (var e = lid; e < d.hd; e += WG) { ks[e] = prefix[ko + e]; vs[e] = prefix[vo + e]; }
  let n = d.B * group * d.S; // queries (b, h, i), i fastest
  let visible = true;`
    : `  if (id >= d.B * d.KVH * d.S) { return; }
  let j = id % d.S;
  let g = (id / d.S) % d.KVH;
  let b = id / (d.S * d.KVH);
  let ko = kvOff(b, j, g);
  let vo = ko;
  for (var e = lid; e < d.hd; e += WG) { ks[e] = K[ko + e]; vs[e] = V[ko + e]; }
  let n = group * (d.S - j); // queries (h, i ≥ j), i fastest
  let visible = mask[b * d.S + j] != 0u;`
}
  workgroupBarrier();
  var dk: array<f32, E>;
  var dv: array<f32, E>;
  if (visible) {
    for (var q0 = 0u; q0 < n; q0 += WG) {
      let q = q0 + lid;
      var pij = 0.0;
      var ds = 0.0;
      var qo = 0u;
      if (q < n) {
${
  prefixSlots
    ? `        let i = q % d.S;
        let h = g * group + (q / d.S) % group;
        let bq = q / (d.S * group);`
    : `        let i = j + q % (d.S - j);
        let h = g * group + q / (d.S - j);
        let bq = b;`
}
        qo = qOff(bq, i, h);
        var s = 0.0;
        var dp = 0.0;
        for (var e = 0u; e < d.hd; e++) { s += Q[qo + e] * ks[e]; dp += dO[qo + e] * vs[e]; }
        pij = exp(s * d.scale - lseD[lseOff(bq, h, i)]);
        ds = pij * (dp - lseD[dOff(bq, h, i)]) * d.scale;
      }
      pS[lid] = pij;
      dsS[lid] = ds;
      qoS[lid] = qo;
      workgroupBarrier();
      let cnt = min(WG, n - q0);
      for (var u = 0u; u < cnt; u++) {
        let o = qoS[u];
        let w = dsS[u];
        let pu = pS[u];
        for (var r = 0u; r < E; r++) {
          let e = lid + r * WG;
          if (e < d.hd) { dk[r] += w * Q[o + e]; dv[r] += pu * dO[o + e]; }
        }
      }
      workgroupBarrier();
    }
  }
  for (var r = 0u; r < E; r++) {
    let e = lid + r * WG;
    if (e < d.hd) { ${prefixSlots ? 'dPrefix[ko + e] = dk[r]; dPrefix[vo + e] = dv[r];' : 'dK[ko + e] = dk[r]; dV[vo + e] = dv[r];'} }
  }
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
    { name: 'attentionDkv', code: keyGradWgsl(headDim, false), workgroupSize: WG },
    { name: 'attentionDprefix', code: keyGradWgsl(headDim, true), workgroupSize: WG },
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
  // grid() counts invocations; these kernels take one workgroup per row.
  p.dispatch('attentionForward', words(d), [q, k, v, prefix, mask, out, lse], grid(d.B * d.H * d.S * WG, WG));
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
  p.dispatch('attentionDq', w, [saved.q, saved.k, saved.v, prefix, mask, dout, saved.lse, grads.dq], grid(d.B * d.H * d.S * WG, WG));
  p.dispatch('attentionDkv', w, [saved.q, saved.k, saved.v, mask, dout, saved.lse, grads.dk, grads.dv], grid(d.B * d.KVH * d.S * WG, WG));
  if (d.Pk > 0) p.dispatch('attentionDprefix', w, [saved.q, prefix, dout, saved.lse, grads.dPrefix], grid(d.KVH * d.Pk * WG, WG));
}
