// Getting rows in and out of the residual stream:
//   embed:       x0 (B, S, C) = [prompt (Pv, C) | scale · E[ids] (T, C)] (+ wpe[offset + s] for learned positions;
//                scale is Gemma's √C, 1 elsewhere: virtual tokens are never scaled)
//   promptGrad:  dPrompt (Pv, C) = Σ_b dx0[b, 0:Pv, :]          (every row shares the soft prompt)
//   gatherRows:  out (R, C) = X[pos[r]]                          (hidden states at scored positions)
//   scatterRows: dX[pos[r]] = dRows[r]  for pos[r] ≥ 0           (positions are unique; dX cleared before)
//   fill, copy:  plain buffer helpers that keep a whole step inside one compute pass
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { f32, grid, LINEAR_ID, sized } from '../gpu/program.ts';
import { scalarWeight, storageOf, variantName, weightBinding, type WeightStorage } from './weight-storage.ts';

const WG = 256;

const embedWgsl = (st: WeightStorage) => /* wgsl */ `
struct Dims { B: u32, S: u32, C: u32, Pv: u32, offset: u32, learned: u32, scale: f32, pad1: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> ids: array<i32>;     // (B, S - Pv)
${scalarWeight(st, 2, 'E')} // (V, C)
@group(0) @binding(3) var<storage, read> prompt: array<f32>;  // (Pv, C)
${scalarWeight(st, 4, 'Wpe')} // (N, C)
@group(0) @binding(5) var<storage, read_write> X: array<f32>; // (B, S, C)
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.B * d.S * d.C) { return; }
  let c = id % d.C;
  let bs = id / d.C;
  let s = bs % d.S;
  let b = bs / d.S;
  var v: f32;
  if (s < d.Pv) {
    v = prompt[s * d.C + c];
  } else {
    let tok = u32(ids[b * (d.S - d.Pv) + (s - d.Pv)]);
    v = loadE(tok * d.C + c) * d.scale;
  }
  if (d.learned != 0u) { v += loadWpe((d.offset + s) * d.C + c); }
  X[id] = v;
}`;

const promptGradWgsl = /* wgsl */ `
struct Dims { B: u32, S: u32, C: u32, Pv: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> dX: array<f32>;
@group(0) @binding(2) var<storage, read_write> dPrompt: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.Pv * d.C) { return; }
  let p = id / d.C;
  let c = id % d.C;
  var s = 0.0;
  for (var b = 0u; b < d.B; b++) { s += dX[(b * d.S + p) * d.C + c]; }
  dPrompt[id] = s;
}`;

const gatherWgsl = /* wgsl */ `
struct Dims { R: u32, C: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> pos: array<i32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.R * d.C) { return; }
  let r = id / d.C;
  let p = pos[r];
  out[id] = select(0.0, X[u32(max(p, 0)) * d.C + id % d.C], p >= 0);
}`;

const scatterWgsl = /* wgsl */ `
struct Dims { R: u32, C: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> pos: array<i32>;
@group(0) @binding(2) var<storage, read> rows: array<f32>;
@group(0) @binding(3) var<storage, read_write> dX: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.R * d.C) { return; }
  let p = pos[id / d.C];
  if (p < 0) { return; }
  dX[u32(p) * d.C + id % d.C] = rows[id];
}`;

const fillWgsl = /* wgsl */ `
struct Dims { n: u32, value: f32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read_write> X: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id < d.n) { X[id] = d.value; }
}`;

const copyWgsl = /* wgsl */ `
struct Dims { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = linearId(gid, nwg, ${WG}u);
  if (id < d.n) { dst[id] = src[id]; }
}`;

export const EMBEDDING_KERNELS: KernelSource[] = [
  { name: 'embed', code: embedWgsl('f32') },
  { name: 'promptGrad', code: promptGradWgsl },
  { name: 'gatherRows', code: gatherWgsl },
  { name: 'scatterRows', code: scatterWgsl },
  { name: 'fill', code: fillWgsl },
  { name: 'copy', code: copyWgsl },
];

/** The gather reading E and wpe as packed halves (weight-storage.ts). */
export const EMBEDDING_F16_KERNELS: KernelSource[] = [{ name: variantName('embed', 'f16'), code: embedWgsl('f16') }];

export interface EmbedDims {
  B: number;
  S: number; // tokens per row including Pv virtual ones
  C: number;
  Pv: number; // soft-prompt rows at the start of every row (0 for prefix tuning / no prompt)
  offset: number; // position of column 0 (P for prefix tuning)
  learned: boolean; // add wpe (GPT-2)
  scale: number; // token embeddings × scale (Gemma: √C), virtual tokens as they are
}

/** The storage both tables share (one kernel variant reads both); wpe is only read with learned positions. */
export function tableStorage(E: GPUBuffer, wpe: GPUBuffer, learned: boolean): WeightStorage {
  const s = storageOf(E);
  if (learned && storageOf(wpe) !== s) throw new Error(`token embeddings are ${s} but position embeddings ${storageOf(wpe)}: store both alike`);
  return s;
}

export function embedForward(p: ProgramBuilder, x: GPUBuffer, ids: GPUBuffer, E: GPUBuffer, prompt: GPUBuffer, wpe: GPUBuffer, d: EmbedDims): void {
  // The token table's extent depends on the ids: the shape fixes one row of it.
  const bindings = {
    ids: sized(ids, d.B * (d.S - d.Pv)),
    E: weightBinding(E, d.C),
    prompt: sized(prompt, d.Pv * d.C),
    Wpe: weightBinding(wpe, d.learned ? (d.offset + d.S) * d.C : 0),
    X: sized(x, d.B * d.S * d.C),
  };
  p.dispatch(variantName('embed', tableStorage(E, wpe, d.learned)), [d.B, d.S, d.C, d.Pv, d.offset, d.learned ? 1 : 0, f32(d.scale), 0], bindings, grid(d.B * d.S * d.C, WG));
}

export function promptGrad(p: ProgramBuilder, dPrompt: GPUBuffer, dx: GPUBuffer, d: EmbedDims): void {
  p.dispatch('promptGrad', [d.B, d.S, d.C, d.Pv], { dX: sized(dx, d.B * d.S * d.C), dPrompt: sized(dPrompt, d.Pv * d.C) }, grid(d.Pv * d.C, WG));
}

export function gatherRows(p: ProgramBuilder, out: GPUBuffer, x: GPUBuffer, pos: GPUBuffer, R: number, C: number): void {
  p.dispatch('gatherRows', [R, C, 0, 0], { pos: sized(pos, R), X: sized(x, C), out: sized(out, R * C) }, grid(R * C, WG)); // X's rows: as pos says
}

export function scatterRows(p: ProgramBuilder, dx: GPUBuffer, rows: GPUBuffer, pos: GPUBuffer, R: number, C: number): void {
  p.dispatch('scatterRows', [R, C, 0, 0], { pos: sized(pos, R), rows: sized(rows, R * C), dX: sized(dx, C) }, grid(R * C, WG)); // dX's rows: as pos says
}

export function fill(p: ProgramBuilder, x: GPUBuffer, n: number, value = 0): void {
  p.dispatch('fill', [n, f32(value), 0, 0], { X: sized(x, n) }, grid(n, WG));
}

export function copy(p: ProgramBuilder, dst: GPUBuffer, src: GPUBuffer, n: number): void {
  p.dispatch('copy', [n, 0, 0, 0], { src: sized(src, n), dst: sized(dst, n) }, grid(n, WG));
}
