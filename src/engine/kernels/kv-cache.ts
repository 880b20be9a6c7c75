// The one-token decode step over a KV cache (model/gpu-kv-decoder.ts). The step program is recorded once and
// replayed for every token, so the position cannot live in the uniforms: it is read from `step[0]`, a storage
// word the host writes before each submit (the cache row the new token fills = its position).
//   embedStep:     x (C) = scale · E[ids[0]] (+ wpe[pos] for learned positions)
//   ropeStep:      rotate-half RoPE of one row (heads, hd) at position pos, from the float64 host table
//   kvAppend:      kCache[pos] = k, vCache[pos] = v           (caches (N, KVH·hd), cache row = position)
//   attentionStep: out (H·hd) = softmax(q·Kᵀ·scale) V over cache rows 0..pos (the last `window` of them in a
//                  sliding-window layer); query head h reads kv head
//                  h / (H / KVH). A prefix sits in rows 0..Pk-1 untouched by RoPE (as training places it), so it
//                  needs no case of its own here, and a single sequence has no padding to mask.
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { f32, grid, LINEAR_ID, sized } from '../gpu/program.ts';
import { MAX_HEAD_DIM } from './attention.ts';
import { tableStorage } from './embedding.ts';
import { scalarWeight, variantName, weightBinding, type WeightStorage } from './weight-storage.ts';

const WG = 64;

const embedStepWgsl = (st: WeightStorage) => /* wgsl */ `
struct Dims { C: u32, learned: u32, scale: f32, pad1: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
${scalarWeight(st, 2, 'E')}
${scalarWeight(st, 3, 'Wpe')}
@group(0) @binding(4) var<storage, read> step: array<u32>;
@group(0) @binding(5) var<storage, read_write> X: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = linearId(gid, nwg, ${WG}u);
  if (c >= d.C) { return; }
  var v = loadE(u32(ids[0]) * d.C + c) * d.scale;
  if (d.learned != 0u) { v += loadWpe(step[0] * d.C + c); }
  X[c] = v;
}`;

const ropeStepWgsl = /* wgsl */ `
struct Dims { heads: u32, hd: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> table: array<f32>; // (N, hd/2, 2) cos, sin
@group(0) @binding(2) var<storage, read> step: array<u32>;
@group(0) @binding(3) var<storage, read_write> X: array<f32>; // (heads, hd)
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let half = d.hd / 2u;
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.heads * half) { return; }
  let i = id % half;
  let base = (id / half) * d.hd;
  let t = (step[0] * half + i) * 2u;
  let c = table[t];
  let s = table[t + 1u];
  let x1 = X[base + i];
  let x2 = X[base + i + half];
  X[base + i] = x1 * c - x2 * s;
  X[base + i + half] = x2 * c + x1 * s;
}`;

const kvAppendWgsl = /* wgsl */ `
struct Dims { W: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> step: array<u32>;
@group(0) @binding(4) var<storage, read_write> kCache: array<f32>;
@group(0) @binding(5) var<storage, read_write> vCache: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = linearId(gid, nwg, ${WG}u);
  if (j >= d.W) { return; }
  kCache[step[0] * d.W + j] = k[j];
  vCache[step[0] * d.W + j] = v[j];
}`;

// One invocation per query head, online softmax over the cache rows (as attention.ts's forward): a decode step has
// H queries, so there is little to spread; the cost is the read of pos·KVH·hd cached values per layer.
const attentionStepWgsl = (HD: number) => /* wgsl */ `
struct Dims { H: u32, KVH: u32, hd: u32, scale: f32, window: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> kCache: array<f32>;
@group(0) @binding(3) var<storage, read> vCache: array<f32>;
@group(0) @binding(4) var<storage, read> step: array<u32>;
@group(0) @binding(5) var<storage, read_write> O: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let h = linearId(gid, nwg, ${WG}u);
  if (h >= d.H) { return; }
  let g = h / (d.H / d.KVH);
  let qo = h * d.hd;
  var acc: array<f32, ${HD}>;
  for (var e = 0u; e < d.hd; e++) { acc[e] = 0.0; }
  var m = -3.0e38;
  var l = 0.0;
  let first = select(0u, step[0] + 1u - min(d.window, step[0] + 1u), d.window > 0u);
  for (var j = first; j <= step[0]; j++) {
    let ko = (j * d.KVH + g) * d.hd;
    var s = 0.0;
    for (var e = 0u; e < d.hd; e++) { s += Q[qo + e] * kCache[ko + e]; }
    s *= d.scale;
    let mNew = max(m, s);
    let c = exp(m - mNew);
    let w = exp(s - mNew);
    l = l * c + w;
    for (var e = 0u; e < d.hd; e++) { acc[e] = acc[e] * c + w * vCache[ko + e]; }
    m = mNew;
  }
  for (var e = 0u; e < d.hd; e++) { O[qo + e] = acc[e] / l; }
}`;

/** Compiled with the model's other kernels (attention's accumulator is sized to its head dim; the gather of the
 * token/position tables comes in the model's weight storage too when that is f16). */
export function kvCacheKernels(headDim: number, storage: WeightStorage = 'f32'): KernelSource[] {
  if (headDim > MAX_HEAD_DIM) throw new Error(`head_dim=${headDim} exceeds the attention kernel's limit of ${MAX_HEAD_DIM}`);
  return [
    { name: 'embedStep', code: embedStepWgsl('f32') },
    ...(storage === 'f16' ? [{ name: variantName('embedStep', 'f16'), code: embedStepWgsl('f16') }] : []),
    { name: 'ropeStep', code: ropeStepWgsl },
    { name: 'kvAppend', code: kvAppendWgsl },
    { name: 'attentionStep', code: attentionStepWgsl(headDim) },
  ];
}

export function embedStep(p: ProgramBuilder, x: GPUBuffer, ids: GPUBuffer, E: GPUBuffer, wpe: GPUBuffer, step: GPUBuffer, d: { C: number; learned: boolean; scale: number }): void {
  p.dispatch(
    variantName('embedStep', tableStorage(E, wpe, d.learned)),
    [d.C, d.learned ? 1 : 0, f32(d.scale), 0],
    // The tables' rows and the caches' slots are chosen by the id and the step: the shape fixes one row of each.
    { ids: sized(ids, 1), E: weightBinding(E, d.C), Wpe: weightBinding(wpe, d.learned ? d.C : 0), step: sized(step, 1), X: sized(x, d.C) },
    grid(d.C, WG),
  );
}

export function ropeStep(p: ProgramBuilder, x: GPUBuffer, table: GPUBuffer, step: GPUBuffer, d: { heads: number; hd: number }): void {
  p.dispatch('ropeStep', [d.heads, d.hd, 0, 0], { table: sized(table, d.hd), step: sized(step, 1), X: sized(x, d.heads * d.hd) }, grid((d.heads * d.hd) / 2, WG));
}

export function kvAppend(p: ProgramBuilder, kCache: GPUBuffer, vCache: GPUBuffer, k: GPUBuffer, v: GPUBuffer, step: GPUBuffer, W: number): void {
  p.dispatch('kvAppend', [W, 0, 0, 0], { k: sized(k, W), v: sized(v, W), step: sized(step, 1), kCache: sized(kCache, W), vCache: sized(vCache, W) }, grid(W, WG));
}

export function attentionStep(p: ProgramBuilder, out: GPUBuffer, q: GPUBuffer, kCache: GPUBuffer, vCache: GPUBuffer, step: GPUBuffer, d: { H: number; KVH: number; hd: number; scale: number; window: number }): void {
  if (d.H % d.KVH !== 0) throw new Error(`heads=${d.H} must be a multiple of kv heads=${d.KVH}`);
  p.dispatch('attentionStep', [d.H, d.KVH, d.hd, f32(d.scale), d.window, 0, 0, 0], {
    Q: sized(q, d.H * d.hd),
    kCache: sized(kCache, d.KVH * d.hd),
    vCache: sized(vCache, d.KVH * d.hd),
    step: sized(step, 1),
    O: sized(out, d.H * d.hd),
  }, grid(d.H, WG));
}
