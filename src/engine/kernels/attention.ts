// Causal multi-head attention with GQA over [prefix KV | tokens], forward and backward.
// Letters: B rows, S tokens per row, H query heads, KVH kv heads, hd head dim, Pk prefix length.
//   q (B·S, H·hd), k and v (B·S, KVH·hd), out (B·S, H·hd), lse (B, H, S), mask (B, S) u32
//   prefix (Pk, Wp): PEFT's prompt_embeddings layout; layer l's key for kv head g at column ((2l)·KVH + g)·hd,
//   its value at ((2l + 1)·KVH + g)·hd. Prefix keys are always visible; token key j is visible to query i iff
//   j ≤ i and mask[b, j] = 1. Query head h reads kv head h / (H / KVH) (transformers repeat_kv). In a sliding-window
//   layer (window > 0, Gemma 3) a query also reads only keys less than `window` places behind it, counted over
//   [prefix | tokens]: query i is index Pk + i, prefix slot p index p, token key j index Pk + j.
//   Scores are q·k × scale (1/√hd, or Gemma's query_pre_attn_scalar^-½).
// Forward keeps only the log-sum-exp per query; backward recomputes the probabilities (no S×S buffer):
//   D_i = dO_i·O_i,  P_ij = exp(s_ij - lse_i),  dS_ij = P_ij (dO_i·v_j - D_i)
//   dq_i = scale Σ_j dS_ij k_j,  dk_j = scale Σ_i dS_ij q_i,  dv_j = Σ_i P_ij dO_i   (summed over the group's heads)
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { f32, grid, LINEAR_ID, sized } from '../gpu/program.ts';

const WG = 64;
export const MAX_HEAD_DIM = 256;

const header = /* wgsl */ `
struct Dims { B: u32, S: u32, H: u32, KVH: u32, hd: u32, Pk: u32, Wp: u32, layer: u32, scale: f32, window: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
${LINEAR_ID}
fn qOff(b: u32, i: u32, h: u32) -> u32 { return ((b * d.S + i) * d.H + h) * d.hd; }
fn kvOff(b: u32, j: u32, g: u32) -> u32 { return ((b * d.S + j) * d.KVH + g) * d.hd; }
fn prefixKOff(p: u32, g: u32) -> u32 { return p * d.Wp + ((2u * d.layer) * d.KVH + g) * d.hd; }
fn prefixVOff(p: u32, g: u32) -> u32 { return p * d.Wp + ((2u * d.layer + 1u) * d.KVH + g) * d.hd; }
fn lseOff(b: u32, h: u32, i: u32) -> u32 { return (b * d.H + h) * d.S + i; }
// Key index kj (over [prefix | tokens]) lies within the sliding window of query index qi (always, in full layers).
fn inWindow(qi: u32, kj: u32) -> bool { return d.window == 0u || (kj <= qi && qi - kj < d.window); }
// D lives in the second half of the lse buffer: fewer bindings (≤ 8 storage buffers per stage everywhere).
fn dOff(b: u32, h: u32, i: u32) -> u32 { return d.B * d.H * d.S + lseOff(b, h, i); }`;

// Layout of the kernels below: one workgroup of WG invocations per block of R rows — R queries (b, h, i..i+R-1) for
// the forward and dq, R keys (b, g, j..j+R-1) or prefix slots (g, p..p+R-1) for dk/dv — rather than one invocation
// per row. Measured on an H100 (docs/gpu-bench.md), the invocation-per-row kernels took ~7.5 ms a layer of the
// GPT-2-small step (8×144 tokens, 12 heads of 64): 13.8k invocations each walking up to 144 keys × 64 dims serially
// with a 64-float private array is too little parallelism and too much latency for a GPU. Here the workgroup takes
// the keys (or queries) a tile of WG at a time: invocation u loads key (or query) t0 + u once and scores it against
// the block's R rows held in workgroup memory, the scores go to workgroup memory, and then invocation u owns dims
// u, u + WG, … of the outputs and sums the tile's contributions along them (coalesced loads across the workgroup,
// each load serving R rows). Every invocation reads the tile's scores itself (max, exp): redundant but cheaper than
// a reduction tree's barriers at WG = 64. One row per workgroup (R = 1) took 1.7 ms a layer on the H100 (dk/dv
// 0.67, dq 0.63, forward 0.36): the loads, not the arithmetic, bound it, hence R rows sharing each load.
const NONE = '-3.0e38'; // score of a key the query cannot see (a real score is far above -1e38)
const R = 4;

const rowKernelHead = (HD: number) => /* wgsl */ `${header}
const WG = ${WG}u;
const R = ${R}u; // rows per workgroup
const E = ${Math.ceil(HD / WG)}u; // output dims per invocation: lid, lid + WG, …
const HD = ${HD}u;
fn rowId(wid: vec3u, nwg: vec3u) -> u32 { return wid.x + wid.y * nwg.x; }`;

/** Row blocks of R along n rows. */
const blocks = (n: number) => Math.ceil(n / R);

/** WGSL: acc[r, ·] += w[r] · row tt of the keys or values, for the R rows at once (forward: values, dq: keys);
 *  tt < Pk reads the layer's prefix slot, otherwise token tt - Pk of row b. Each invocation owns dims lid + x·WG.
 *  Two branches rather than a select of two loads: only the row that exists is read. */
const addWeightedRow = (prefixOff: 'prefixKOff' | 'prefixVOff', tokens: 'K' | 'V') => {
  const add = (buffer: string) => /* wgsl */ `for (var x = 0u; x < E; x++) {
          let e = lid + x * WG;
          if (e < d.hd) { let v = ${buffer}[o + e]; for (var r = 0u; r < R; r++) { acc[r * E + x] += w[r] * v; } }
        }`;
  return /* wgsl */ `      if (tt < d.Pk) {
        let o = ${prefixOff}(tt, g);
        ${add('prefix')}
      } else {
        let o = kvOff(b, tt - d.Pk, g);
        ${add(tokens)}
      }`;
};

// Forward: online softmax over [prefix | tokens j ≤ i] for R queries at once, a tile of WG keys at a time.
const forwardWgsl = (HD: number) => /* wgsl */ `${rowKernelHead(HD)}
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read> prefix: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;
@group(0) @binding(6) var<storage, read_write> O: array<f32>;
@group(0) @binding(7) var<storage, read_write> lse: array<f32>;
var<workgroup> qs: array<f32, ${R * HD}>; // [r][e]
var<workgroup> sc: array<f32, ${R * WG}>; // [r][u]
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let id = rowId(wid, nwg);
  let nb = (d.S + R - 1u) / R;
  if (id >= d.B * d.H * nb) { return; }
  let i0 = (id % nb) * R;
  let h = (id / nb) % d.H;
  let b = id / (nb * d.H);
  let g = h / (d.H / d.KVH);
  let rows = min(R, d.S - i0); // queries i0 .. i0 + rows - 1
  for (var x = lid; x < R * d.hd; x += WG) {
    let r = x / d.hd;
    if (r < rows) { qs[r * HD + x % d.hd] = Q[qOff(b, i0 + r, h) + x % d.hd]; } else { qs[r * HD + x % d.hd] = 0.0; }
  }
  workgroupBarrier();
  var acc: array<f32, ${R * Math.ceil(HD / WG)}>; // [r][dim slot]
  var m: array<f32, R>;
  var l: array<f32, R>;
  for (var r = 0u; r < R; r++) { m[r] = ${NONE}; }
  let n = d.Pk + i0 + rows; // keys of the last query: prefix slots, then tokens 0 .. i0 + rows - 1
  for (var t0 = 0u; t0 < n; t0 += WG) {
    let t = t0 + lid;
    var s: array<f32, R>;
    for (var r = 0u; r < R; r++) { s[r] = 0.0; }
    var seen = false;
    if (t < d.Pk) {
      let ko = prefixKOff(t, g);
      for (var e = 0u; e < d.hd; e++) { let kv = prefix[ko + e]; for (var r = 0u; r < R; r++) { s[r] += qs[r * HD + e] * kv; } }
      seen = true;
    } else if (t < n && mask[b * d.S + t - d.Pk] != 0u) {
      let ko = kvOff(b, t - d.Pk, g);
      for (var e = 0u; e < d.hd; e++) { let kv = K[ko + e]; for (var r = 0u; r < R; r++) { s[r] += qs[r * HD + e] * kv; } }
      seen = true;
    }
    // Query i0 + r sees prefix slots and tokens ≤ i0 + r.
    for (var r = 0u; r < R; r++) { sc[r * WG + lid] = select(${NONE}, s[r] * d.scale, seen && r < rows && t < d.Pk + i0 + r + 1u && inWindow(d.Pk + i0 + r, t)); }
    workgroupBarrier();
    let cnt = min(WG, n - t0);
    var mNew: array<f32, R>;
    for (var r = 0u; r < R; r++) {
      var tm = ${NONE};
      for (var u = 0u; u < cnt; u++) { tm = max(tm, sc[r * WG + u]); }
      mNew[r] = max(m[r], tm);
      let c = exp(m[r] - mNew[r]);
      l[r] *= c;
      for (var x = 0u; x < E; x++) { acc[r * E + x] *= c; }
    }
    for (var u = 0u; u < cnt; u++) {
      var w: array<f32, R>;
      var hit = false;
      for (var r = 0u; r < R; r++) {
        let su = sc[r * WG + u];
        w[r] = select(0.0, exp(su - mNew[r]), su > -1.0e38);
        l[r] += w[r];
        hit = hit || su > -1.0e38;
      }
      if (!hit) { continue; }
      let tt = t0 + u;
${addWeightedRow('prefixVOff', 'V')}
    }
    for (var r = 0u; r < R; r++) { m[r] = mNew[r]; }
    workgroupBarrier(); // sc is rewritten by the next tile
  }
  for (var r = 0u; r < rows; r++) {
    let qo = qOff(b, i0 + r, h);
    let inv = select(0.0, 1.0 / l[r], l[r] > 0.0);
    for (var x = 0u; x < E; x++) { let e = lid + x * WG; if (e < d.hd) { O[qo + e] = acc[r * E + x] * inv; } }
    if (lid == 0u) { lse[lseOff(b, h, i0 + r)] = select(0.0, m[r] + log(l[r]), l[r] > 0.0); }
  }
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

// dQ for R queries (b, h, i0..): invocation u loads key t0 + u once, scores it against the R queries and writes their
// dS to workgroup memory, then each invocation sums dS · k along its dims.
const dqWgsl = (HD: number) => /* wgsl */ `${rowKernelHead(HD)}
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read> prefix: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;
@group(0) @binding(6) var<storage, read> dO: array<f32>;
@group(0) @binding(7) var<storage, read> lseD: array<f32>;
@group(0) @binding(8) var<storage, read_write> dQ: array<f32>;
var<workgroup> qs: array<f32, ${R * HD}>;
var<workgroup> dos: array<f32, ${R * HD}>;
var<workgroup> dsS: array<f32, ${R * WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let id = rowId(wid, nwg);
  let nb = (d.S + R - 1u) / R;
  if (id >= d.B * d.H * nb) { return; }
  let i0 = (id % nb) * R;
  let h = (id / nb) % d.H;
  let b = id / (nb * d.H);
  let g = h / (d.H / d.KVH);
  let rows = min(R, d.S - i0);
  for (var x = lid; x < R * d.hd; x += WG) {
    let r = x / d.hd;
    var qv = 0.0;
    var dov = 0.0;
    if (r < rows) { let o = qOff(b, i0 + r, h) + x % d.hd; qv = Q[o]; dov = dO[o]; }
    qs[r * HD + x % d.hd] = qv;
    dos[r * HD + x % d.hd] = dov;
  }
  var L: array<f32, R>;
  var Di: array<f32, R>;
  for (var r = 0u; r < rows; r++) { L[r] = lseD[lseOff(b, h, i0 + r)]; Di[r] = lseD[dOff(b, h, i0 + r)]; }
  workgroupBarrier();
  var acc: array<f32, ${R * Math.ceil(HD / WG)}>;
  let n = d.Pk + i0 + rows;
  for (var t0 = 0u; t0 < n; t0 += WG) {
    let t = t0 + lid;
    // Zeroed explicitly: WGSL zero-initialises a var at each execution of its declaration, but without these loops
    // the kernel test's dq came out wrong past the first tile on Dawn/SwiftShader (earlier tiles' sums kept).
    var s: array<f32, R>;
    var dp: array<f32, R>;
    for (var r = 0u; r < R; r++) { s[r] = 0.0; dp[r] = 0.0; }
    var seen = false;
    if (t < d.Pk) {
      let ko = prefixKOff(t, g);
      let vo = prefixVOff(t, g);
      for (var e = 0u; e < d.hd; e++) {
        let kv = prefix[ko + e];
        let vv = prefix[vo + e];
        for (var r = 0u; r < R; r++) { s[r] += qs[r * HD + e] * kv; dp[r] += dos[r * HD + e] * vv; }
      }
      seen = true;
    } else if (t < n && mask[b * d.S + t - d.Pk] != 0u) {
      let ko = kvOff(b, t - d.Pk, g);
      for (var e = 0u; e < d.hd; e++) {
        let kv = K[ko + e];
        let vv = V[ko + e];
        for (var r = 0u; r < R; r++) { s[r] += qs[r * HD + e] * kv; dp[r] += dos[r * HD + e] * vv; }
      }
      seen = true;
    }
    for (var r = 0u; r < R; r++) {
      let ok = seen && r < rows && t < d.Pk + i0 + r + 1u && inWindow(d.Pk + i0 + r, t);
      dsS[r * WG + lid] = select(0.0, exp(s[r] * d.scale - L[r]) * (dp[r] - Di[r]) * d.scale, ok);
    }
    workgroupBarrier();
    let cnt = min(WG, n - t0);
    for (var u = 0u; u < cnt; u++) {
      var w: array<f32, R>;
      var hit = false;
      for (var r = 0u; r < R; r++) { w[r] = dsS[r * WG + u]; hit = hit || w[r] != 0.0; }
      if (!hit) { continue; }
      let tt = t0 + u;
${addWeightedRow('prefixKOff', 'K')}
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < rows; r++) {
    let qo = qOff(b, i0 + r, h);
    for (var x = 0u; x < E; x++) { let e = lid + x * WG; if (e < d.hd) { dQ[qo + e] = acc[r * E + x]; } }
  }
}`;

// dK, dV of R key rows, summed over the queries that see them: invocation u loads query q0 + u of the list once,
// computes P and dS against the R keys and values held in workgroup memory, then each invocation sums dS·q and
// P·dO along its dims for the R rows. Two instances: token keys (one workgroup per (b, g, j0..j0+R-1), queries
// (h in g's group, i ≥ j0), query i seeing key j iff i ≥ j and the key is unmasked) and prefix slots (one per
// (g, p0..p0+R-1), queries (b, h in g's group, every i)), which write into PEFT's prefix gradient layout.
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
var<workgroup> ks: array<f32, ${R * HD}>; // [r][e]
var<workgroup> vs: array<f32, ${R * HD}>;
var<workgroup> pS: array<f32, ${R * WG}>; // [r][u]
var<workgroup> dsS: array<f32, ${R * WG}>;
var<workgroup> qoS: array<u32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let id = rowId(wid, nwg);
  let group = d.H / d.KVH;
  var ko: array<u32, R>;
  var vo: array<u32, R>;
  var live: array<bool, R>; // the row exists and (tokens) is not masked
${
  prefixSlots
    ? `  let nb = (d.Pk + R - 1u) / R;
  if (id >= d.KVH * nb) { return; }
  let p0 = (id % nb) * R;
  let g = id / nb;
  let rows = min(R, d.Pk - p0);
  for (var r = 0u; r < rows; r++) { ko[r] = prefixKOff(p0 + r, g); vo[r] = prefixVOff(p0 + r, g); live[r] = true; }
  for (var x = lid; x < R * d.hd; x += WG) {
    let r = x / d.hd;
    var kv = 0.0;
    var vv = 0.0;
    if (r < rows) { kv = prefix[prefixKOff(p0 + r, g) + x % d.hd]; vv = prefix[prefixVOff(p0 + r, g) + x % d.hd]; }
    ks[r * HD + x % d.hd] = kv;
    vs[r * HD + x % d.hd] = vv;
  }
  let n = d.B * group * d.S; // queries (b, h, i), i fastest`
    : `  let nb = (d.S + R - 1u) / R;
  if (id >= d.B * d.KVH * nb) { return; }
  let j0 = (id % nb) * R;
  let g = (id / nb) % d.KVH;
  let b = id / (nb * d.KVH);
  let rows = min(R, d.S - j0);
  for (var r = 0u; r < rows; r++) { ko[r] = kvOff(b, j0 + r, g); vo[r] = ko[r]; live[r] = mask[b * d.S + j0 + r] != 0u; }
  for (var x = lid; x < R * d.hd; x += WG) {
    let r = x / d.hd;
    var kv = 0.0;
    var vv = 0.0;
    if (r < rows) { let o = kvOff(b, j0 + r, g) + x % d.hd; kv = K[o]; vv = V[o]; }
    ks[r * HD + x % d.hd] = kv;
    vs[r * HD + x % d.hd] = vv;
  }
  let n = group * (d.S - j0); // queries (h, i ≥ j0), i fastest`
}
  workgroupBarrier();
  var dk: array<f32, ${R * Math.ceil(HD / WG)}>;
  var dv: array<f32, ${R * Math.ceil(HD / WG)}>;
  for (var q0 = 0u; q0 < n; q0 += WG) {
    let q = q0 + lid;
    // Zeroed explicitly: WGSL zero-initialises a var at each execution of its declaration, but without these loops
    // the kernel test's dq came out wrong past the first tile on Dawn/SwiftShader (earlier tiles' sums kept).
    var s: array<f32, R>;
    var dp: array<f32, R>;
    for (var r = 0u; r < R; r++) { s[r] = 0.0; dp[r] = 0.0; }
    var qo = 0u;
    var i = 0u;
    var L = 0.0;
    var Dq = 0.0;
    if (q < n) {
${
  prefixSlots
    ? `      i = q % d.S;
      let h = g * group + (q / d.S) % group;
      let bq = q / (d.S * group);`
    : `      i = j0 + q % (d.S - j0);
      let h = g * group + q / (d.S - j0);
      let bq = b;`
}
      qo = qOff(bq, i, h);
      L = lseD[lseOff(bq, h, i)];
      Dq = lseD[dOff(bq, h, i)];
      for (var e = 0u; e < d.hd; e++) {
        let qv = Q[qo + e];
        let dov = dO[qo + e];
        for (var r = 0u; r < R; r++) { s[r] += qv * ks[r * HD + e]; dp[r] += dov * vs[r * HD + e]; }
      }
    }
    for (var r = 0u; r < R; r++) {
      // Query i sees key row r iff it exists, is unmasked and (tokens) lies at or before i.
      let ok = q < n && r < rows && live[r] && ${prefixSlots ? 'inWindow(d.Pk + i, p0 + r)' : 'i >= j0 + r && inWindow(d.Pk + i, d.Pk + j0 + r)'};
      let pij = select(0.0, exp(s[r] * d.scale - L), ok);
      pS[r * WG + lid] = pij;
      dsS[r * WG + lid] = pij * (dp[r] - Dq) * d.scale;
    }
    qoS[lid] = qo;
    workgroupBarrier();
    let cnt = min(WG, n - q0);
    for (var u = 0u; u < cnt; u++) {
      let o = qoS[u];
      var pu: array<f32, R>;
      var du: array<f32, R>;
      for (var r = 0u; r < R; r++) { pu[r] = pS[r * WG + u]; du[r] = dsS[r * WG + u]; }
      for (var x = 0u; x < E; x++) {
        let e = lid + x * WG;
        if (e < d.hd) {
          let qv = Q[o + e];
          let dov = dO[o + e];
          for (var r = 0u; r < R; r++) { dk[r * E + x] += du[r] * qv; dv[r * E + x] += pu[r] * dov; }
        }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < rows; r++) {
    for (var x = 0u; x < E; x++) {
      let e = lid + x * WG;
      if (e < d.hd) { ${prefixSlots ? 'dPrefix[ko[r] + e] = dk[r * E + x]; dPrefix[vo[r] + e] = dv[r * E + x];' : 'dK[ko[r] + e] = dk[r * E + x]; dV[vo[r] + e] = dv[r * E + x];'} }
    }
  }
}`;

/** Any head dim up to the limit (tests of the kernels alone). */
export const ATTENTION_KERNELS_ANY_HEAD_DIM = (): KernelSource[] => attentionKernels(MAX_HEAD_DIM);

/** Compiled per model: private accumulators sized to its head dim (a fixed 256 made SwiftShader ~slower). */
export function attentionKernels(headDim: number): KernelSource[] {
  if (headDim > MAX_HEAD_DIM) throw new Error(`head_dim=${headDim} exceeds the attention kernel's limit of ${MAX_HEAD_DIM}`);
  return [
    { name: 'attentionForward', code: forwardWgsl(headDim) },
    { name: 'attentionDelta', code: deltaWgsl },
    { name: 'attentionDq', code: dqWgsl(headDim) },
    { name: 'attentionDkv', code: keyGradWgsl(headDim, false) },
    { name: 'attentionDprefix', code: keyGradWgsl(headDim, true) },
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
  scale: number; // scores are q·k × scale
  window: number; // sliding window of this layer (keys a query reads, itself included); 0: full attention
}

const words = (d: AttentionDims) => [d.B, d.S, d.H, d.KVH, d.hd, d.Pk, d.Wp, d.layer, f32(d.scale), d.window, 0, 0];

/** Values each binding needs for a shape: q/out (B,S,H,hd), k/v (B,S,KVH,hd), mask (B,S), lse (B,H,S), the prefix
 *  (Pk, Wp) rows (one value when there is none). */
const sizes = (d: AttentionDims) => ({
  q: d.B * d.S * d.H * d.hd,
  kv: d.B * d.S * d.KVH * d.hd,
  mask: d.B * d.S,
  lse: d.B * d.H * d.S,
  prefix: d.Pk > 0 ? d.Pk * d.Wp : 1,
});

export function checkAttentionDims(d: AttentionDims): void {
  if (d.hd > MAX_HEAD_DIM) throw new Error(`head_dim=${d.hd} exceeds the attention kernel's limit of ${MAX_HEAD_DIM}`);
  if (d.H % d.KVH !== 0) throw new Error(`heads=${d.H} must be a multiple of kv heads=${d.KVH}`);
}

export function attentionForward(p: ProgramBuilder, out: GPUBuffer, lse: GPUBuffer, q: GPUBuffer, k: GPUBuffer, v: GPUBuffer, prefix: GPUBuffer, mask: GPUBuffer, d: AttentionDims): void {
  checkAttentionDims(d);
  // grid() counts invocations; these kernels take one workgroup per block of R rows.
  const n = sizes(d);
  p.dispatch(
    'attentionForward',
    words(d),
    { Q: sized(q, n.q), K: sized(k, n.kv), V: sized(v, n.kv), prefix: sized(prefix, n.prefix), mask: sized(mask, n.mask), O: sized(out, n.q), lse: sized(lse, n.lse) },
    grid(d.B * d.H * blocks(d.S) * WG, WG),
  );
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
  const n = sizes(d);
  const Q = sized(saved.q, n.q);
  const K = sized(saved.k, n.kv);
  const V = sized(saved.v, n.kv);
  const dO = sized(dout, n.q);
  const lseD = sized(saved.lse, 2 * n.lse); // forward's lse, then D
  const pre = sized(prefix, n.prefix);
  const m = sized(mask, n.mask);
  p.dispatch('attentionDelta', w, { dO, O: sized(saved.out, n.q), lseD }, grid(d.B * d.H * d.S, WG));
  p.dispatch('attentionDq', w, { Q, K, V, prefix: pre, mask: m, dO, lseD, dQ: sized(grads.dq, n.q) }, grid(d.B * d.H * blocks(d.S) * WG, WG));
  p.dispatch('attentionDkv', w, { Q, K, V, mask: m, dO, lseD, dK: sized(grads.dk, n.kv), dV: sized(grads.dv, n.kv) }, grid(d.B * d.KVH * blocks(d.S) * WG, WG));
  if (d.Pk > 0) p.dispatch('attentionDprefix', w, { Q, prefix: pre, dO, lseD, dPrefix: sized(grads.dPrefix, n.prefix) }, grid(d.KVH * blocks(d.Pk) * WG, WG));
}
