// LayerNorm (GPT-2) and RMSNorm (Llama, Qwen; also Qwen3's q/k norm over head_dim rows), forward and activation
// backward. One workgroup per row; forward saves (mean, rstd) per row for backward.
//   LayerNorm: y = (x - mean) · rstd · w + b,  rstd = 1/sqrt(var + eps) (biased variance)
//   RMSNorm:   y = x · rstd · w,               rstd = 1/sqrt(mean(x²) + eps)
//   forward may accumulate (y += …): Gemma's post norms add a sublayer's normed output to the residual stream
//   backward, with g = dy·w and x̂ = (x - mean)·rstd:  dx = rstd · (g - mean(g) - x̂·mean(g·x̂))  (RMS: no mean(g))
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { f32, grid, sized } from '../gpu/program.ts';

const WG = 64;
const RMS = 1;
const HAS_BIAS = 2;
const ACCUMULATE = 4;

const reduce = /* wgsl */ `
var<workgroup> sh: array<f32, ${WG}>;
fn wgSum(v: f32, lid: u32) -> f32 {
  sh[lid] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] += sh[lid + s]; }
    workgroupBarrier();
  }
  let total = sh[0];
  workgroupBarrier();
  return total;
}`;

const forwardWgsl = /* wgsl */ `
struct Dims { rows: u32, C: u32, eps: f32, flags: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>; // (rows, 2): mean, rstd
${reduce}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= d.rows) { return; }
  let lid = lid3.x;
  let base = row * d.C;
  let rms = (d.flags & ${RMS}u) != 0u;
  var mean = 0.0;
  if (!rms) {
    var s = 0.0;
    for (var c = lid; c < d.C; c += ${WG}u) { s += X[base + c]; }
    mean = wgSum(s, lid) / f32(d.C);
  }
  var q = 0.0;
  for (var c = lid; c < d.C; c += ${WG}u) { let t = X[base + c] - mean; q += t * t; }
  let rstd = inverseSqrt(wgSum(q, lid) / f32(d.C) + d.eps);
  for (var c = lid; c < d.C; c += ${WG}u) {
    var y = (X[base + c] - mean) * rstd * w[c];
    if ((d.flags & ${HAS_BIAS}u) != 0u) { y += b[c]; }
    if ((d.flags & ${ACCUMULATE}u) != 0u) { y += Y[base + c]; }
    Y[base + c] = y;
  }
  if (lid == 0u) { stats[row * 2u] = mean; stats[row * 2u + 1u] = rstd; }
}`;

const backwardWgsl = /* wgsl */ `
struct Dims { rows: u32, C: u32, eps: f32, flags: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> dY: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read> stats: array<f32>;
@group(0) @binding(5) var<storage, read_write> dX: array<f32>;
${reduce}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= d.rows) { return; }
  let lid = lid3.x;
  let base = row * d.C;
  let mean = stats[row * 2u];
  let rstd = stats[row * 2u + 1u];
  var sg = 0.0;
  var sgx = 0.0;
  for (var c = lid; c < d.C; c += ${WG}u) {
    let g = dY[base + c] * w[c];
    sg += g;
    sgx += g * (X[base + c] - mean) * rstd;
  }
  var meanG = wgSum(sg, lid) / f32(d.C);
  let meanGX = wgSum(sgx, lid) / f32(d.C);
  if ((d.flags & ${RMS}u) != 0u) { meanG = 0.0; }
  for (var c = lid; c < d.C; c += ${WG}u) {
    let g = dY[base + c] * w[c];
    let xhat = (X[base + c] - mean) * rstd;
    var dx = rstd * (g - meanG - xhat * meanGX);
    if ((d.flags & ${ACCUMULATE}u) != 0u) { dx += dX[base + c]; }
    dX[base + c] = dx;
  }
}`;

export const NORM_KERNELS: KernelSource[] = [
  { name: 'normForward', code: forwardWgsl },
  { name: 'normBackward', code: backwardWgsl },
];

export interface NormDims {
  rows: number;
  C: number;
  eps: number;
  rms: boolean;
}

/** out (rows, C) [+]= norm(x); stats (rows, 2) saved for backward. `bias` null for RMSNorm. */
export function normForward(p: ProgramBuilder, out: GPUBuffer, stats: GPUBuffer, x: GPUBuffer, w: GPUBuffer, bias: GPUBuffer | null, zero: GPUBuffer, d: NormDims, accumulate = false): void {
  const flags = (d.rms ? RMS : 0) | (bias ? HAS_BIAS : 0) | (accumulate ? ACCUMULATE : 0);
  const n = d.rows * d.C;
  p.dispatch(
    'normForward',
    [d.rows, d.C, f32(d.eps), flags],
    { X: sized(x, n), w: sized(w, d.C), b: bias ? sized(bias, d.C) : sized(zero, 1), Y: sized(out, n), stats: sized(stats, 2 * d.rows) },
    grid(d.rows, 1),
  );
}

/** dx (rows, C) [+]= d norm(x) / dx · dout. */
export function normBackward(p: ProgramBuilder, dx: GPUBuffer, dout: GPUBuffer, x: GPUBuffer, w: GPUBuffer, stats: GPUBuffer, d: NormDims, accumulate = false): void {
  const flags = (d.rms ? RMS : 0) | (accumulate ? ACCUMULATE : 0);
  const n = d.rows * d.C;
  p.dispatch(
    'normBackward',
    [d.rows, d.C, f32(d.eps), flags],
    { dY: sized(dout, n), X: sized(x, n), w: sized(w, d.C), stats: sized(stats, 2 * d.rows), dX: sized(dx, n) },
    grid(d.rows, 1),
  );
}
