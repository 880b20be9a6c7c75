// Matmul, nn.Linear convention, forward and activation backward (the model is frozen: no dW).
//   forward:  Y (M, N) [+]= X (M, K) · Wᵀ + b      W stored (N, K)
//   backward: dX (M, K) [+]= dY (M, N) · W          no transpose materialised: W is read along its rows
// Register-blocked: each invocation computes a 4×4 block of outputs with vec4 loads along K (no dynamically
// indexed private arrays: SwiftShader is slow with those). K % 4 == 0 is required
// (every hidden/intermediate size in the supported families is a multiple of 4).
// `matvec` is the single-row (decode) forward: the 4×4 block would compute its one row four times over, so one
// invocation per output column reads its weight row once, vec4 along K.
// `naive` is the one-output-per-invocation kernel kept for the bench's comparison.
// W is f32 or packed halves (weight-storage.ts): each kernel text is generated for both, differing only in W's
// binding and `loadW`; accumulation is f32 either way.
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { grid } from '../gpu/program.ts';
import { storageOf, variantName, vec4Weight, type WeightStorage } from './weight-storage.ts';

const FLAG_ACCUMULATE = 1;
const FLAG_BIAS = 2;

// SwiftShader (as Dawn in Node drives it here) crashes on vec4·vec4 products and dot() inside loops, so the
// 4×4 block is accumulated in 16 scalar registers from vec4 loads: the same loads, scalar FMAs.
const rowsCols = [0, 1, 2, 3];
const dot4 = (x: string, w: string) => `${x}.x * ${w}.x + ${x}.y * ${w}.y + ${x}.z * ${w}.z + ${x}.w * ${w}.w`;
const matmulForwardWgsl = (s: WeightStorage) => /* wgsl */ `
struct Dims { M: u32, N: u32, K: u32, flags: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> X: array<vec4f>;
${vec4Weight(s, 2, 'W')}
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;

fn put(row: u32, col: u32, v: f32) {
  if (row >= d.M || col >= d.N) { return; }
  var out = v;
  if ((d.flags & 2u) != 0u) { out += bias[col]; }
  let i = row * d.N + col;
  if ((d.flags & 1u) != 0u) { out += Y[i]; }
  Y[i] = out;
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let col0 = g.x * 4u;
  let row0 = g.y * 4u;
  if (row0 >= d.M || col0 >= d.N) { return; }
  let K4 = d.K / 4u;
  ${rowsCols.map((i) => `let x${i} = min(row0 + ${i}u, d.M - 1u) * K4;`).join(' ')}
  ${rowsCols.map((j) => `let w${j} = min(col0 + ${j}u, d.N - 1u) * K4;`).join(' ')}
  ${rowsCols.map((i) => rowsCols.map((j) => `var c${i}${j} = 0.0;`).join(' ')).join('\n  ')}
  for (var k = 0u; k < K4; k++) {
    ${rowsCols.map((i) => `let xv${i} = X[x${i} + k];`).join(' ')}
    ${rowsCols.map((j) => `let wv${j} = loadW(w${j} + k);`).join(' ')}
    ${rowsCols.map((i) => rowsCols.map((j) => `c${i}${j} += ${dot4(`xv${i}`, `wv${j}`)};`).join('\n    ')).join('\n    ')}
  }
  ${rowsCols.map((i) => rowsCols.map((j) => `put(row0 + ${i}u, col0 + ${j}u, c${i}${j});`).join(' ')).join('\n  ')}
}`;

const matmulBackwardWgsl = (s: WeightStorage) => /* wgsl */ `
struct Dims { M: u32, N: u32, K: u32, flags: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> dY: array<f32>;
${vec4Weight(s, 2, 'W')}
@group(0) @binding(3) var<storage, read_write> dX: array<vec4f>;

fn put(row: u32, k4: u32, v: vec4f) {
  if (row >= d.M) { return; }
  let i = row * (d.K / 4u) + k4;
  if ((d.flags & 1u) != 0u) { dX[i] = dX[i] + v; } else { dX[i] = v; }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let k4 = g.x;
  let row0 = g.y * 4u;
  let K4 = d.K / 4u;
  if (row0 >= d.M || k4 >= K4) { return; }
  let last = d.M - 1u;
  let y0 = row0 * d.N; let y1 = min(row0 + 1u, last) * d.N; let y2 = min(row0 + 2u, last) * d.N; let y3 = min(row0 + 3u, last) * d.N;
  var a0 = vec4f(0.0); var a1 = vec4f(0.0); var a2 = vec4f(0.0); var a3 = vec4f(0.0);
  for (var n = 0u; n < d.N; n++) {
    let w = loadW(n * K4 + k4);
    a0 += dY[y0 + n] * w; a1 += dY[y1 + n] * w; a2 += dY[y2 + n] * w; a3 += dY[y3 + n] * w;
  }
  put(row0, k4, a0); put(row0 + 1u, k4, a1); put(row0 + 2u, k4, a2); put(row0 + 3u, k4, a3);
}`;

const matvecWgsl = (s: WeightStorage) => /* wgsl */ `
struct Dims { M: u32, N: u32, K: u32, flags: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> X: array<vec4f>;
${vec4Weight(s, 2, 'W')}
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let col = g.x + g.y * nwg.x * 64u;
  if (col >= d.N) { return; }
  let K4 = d.K / 4u;
  let w0 = col * K4;
  var a0 = 0.0; var a1 = 0.0; var a2 = 0.0; var a3 = 0.0;
  for (var k = 0u; k < K4; k++) {
    let x = X[k];
    let w = loadW(w0 + k);
    a0 += x.x * w.x; a1 += x.y * w.y; a2 += x.z * w.z; a3 += x.w * w.w;
  }
  var out = (a0 + a1) + (a2 + a3);
  if ((d.flags & 2u) != 0u) { out += bias[col]; }
  if ((d.flags & 1u) != 0u) { out += Y[col]; }
  Y[col] = out;
}`;

const naiveWgsl = /* wgsl */ `
struct Dims { M: u32, N: u32, K: u32, flags: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> W: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  if (g.y >= d.M || g.x >= d.N) { return; }
  var s = 0.0;
  for (var k = 0u; k < d.K; k++) { s += X[g.y * d.K + k] * W[g.x * d.K + k]; }
  Y[g.y * d.N + g.x] = s;
}`;

export const MATMUL_KERNELS: KernelSource[] = [
  { name: 'matmulForward', code: matmulForwardWgsl('f32'), workgroupSize: 64 },
  { name: 'matmulBackward', code: matmulBackwardWgsl('f32'), workgroupSize: 64 },
  { name: 'matmulNaive', code: naiveWgsl, workgroupSize: 64 },
  { name: 'matvecForward', code: matvecWgsl('f32'), workgroupSize: 64 },
];

/** The same kernels reading W as packed halves (weight-storage.ts); the launchers pick them for half buffers. */
export const MATMUL_F16_KERNELS: KernelSource[] = [
  { name: variantName('matmulForward', 'f16'), code: matmulForwardWgsl('f16'), workgroupSize: 64 },
  { name: variantName('matmulBackward', 'f16'), code: matmulBackwardWgsl('f16'), workgroupSize: 64 },
  { name: variantName('matvecForward', 'f16'), code: matvecWgsl('f16'), workgroupSize: 64 },
];

export interface MatmulDims {
  M: number;
  N: number;
  K: number;
}

function checkK(K: number, what: string): void {
  if (K % 4 !== 0) throw new Error(`${what}: inner size K=${K} must be divisible by 4 (vec4 loads)`);
}

/** Y (M,N) = X (M,K)·Wᵀ (+ bias) (+ Y when accumulate). `zero` is any ≥ 4-byte buffer when there is no bias. */
export function matmulForward(
  p: ProgramBuilder,
  y: GPUBuffer,
  x: GPUBuffer,
  w: GPUBuffer,
  bias: GPUBuffer | null,
  zero: GPUBuffer,
  { M, N, K }: MatmulDims,
  accumulate = false,
): void {
  checkK(K, 'matmulForward');
  const flags = (accumulate ? FLAG_ACCUMULATE : 0) | (bias ? FLAG_BIAS : 0);
  p.dispatch(variantName('matmulForward', storageOf(w)), [M, N, K, flags], [x, w, bias ?? zero, y], [Math.ceil(N / 32), Math.ceil(M / 32), 1]);
}

/** dX (M,K) = dY (M,N)·W (+ dX when accumulate). */
export function matmulBackward(p: ProgramBuilder, dx: GPUBuffer, dy: GPUBuffer, w: GPUBuffer, { M, N, K }: MatmulDims, accumulate = false): void {
  checkK(K, 'matmulBackward');
  p.dispatch(variantName('matmulBackward', storageOf(w)), [M, N, K, accumulate ? FLAG_ACCUMULATE : 0], [dy, w, dx], [Math.ceil(K / 4 / 8), Math.ceil(M / 32), 1]);
}

/** y (1,N) = x (1,K)·Wᵀ (+ bias) (+ y when accumulate): the decode step's single row. */
export function matvecForward(p: ProgramBuilder, y: GPUBuffer, x: GPUBuffer, w: GPUBuffer, bias: GPUBuffer | null, zero: GPUBuffer, { N, K }: { N: number; K: number }, accumulate = false): void {
  checkK(K, 'matvecForward');
  const flags = (accumulate ? FLAG_ACCUMULATE : 0) | (bias ? FLAG_BIAS : 0);
  p.dispatch(variantName('matvecForward', storageOf(w)), [1, N, K, flags], [x, w, bias ?? zero, y], grid(N, 64));
}

/** The naive kernel, for the bench only. */
export function matmulNaive(p: ProgramBuilder, y: GPUBuffer, x: GPUBuffer, w: GPUBuffer, { M, N, K }: MatmulDims): void {
  if (storageOf(w) !== 'f32') throw new Error('matmulNaive reads f32 weights only');
  p.dispatch('matmulNaive', [M, N, K, 0], [x, w, y], [Math.ceil(N / 8), Math.ceil(M / 8), 1]);
}
