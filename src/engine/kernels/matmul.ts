// Matmul, nn.Linear convention, forward and activation backward (the model is frozen: no dW).
//   forward:  Y (M, N) [+]= X (M, K) · Wᵀ + b      W stored (N, K)
//   backward: dX (M, K) [+]= dY (M, N) · W          no transpose materialised: W is read along its rows
// Register-blocked: each forward invocation computes an 8×8 block of outputs (8 rows of X against 8 rows of W,
// vec4 loads along K, each step two vec4×mat4x4 products per row); each backward invocation 8 rows × 8 values of dX.
// Measured on SwiftShader at 512×768×768 (Dawn in Node, best of 4): forward 4×4 blocks 9×, 8×8 10–15× the naive
// kernel (larger blocks were no faster); backward 4 rows × 1 vec4 1.2 GFLOP/s, 8 × 2 vec4 2.3. K % 4 == 0 is
// required (every hidden/intermediate size in the supported families is a multiple of 4).
// `matvec` is the single-row (decode) forward: the 8×8 block would compute its one row eight times over, so one
// invocation per output column reads its weight row once, vec4 along K.
// `naive` is the one-output-per-invocation kernel kept for the bench's comparison.
// Hardware GPUs get workgroup-memory tiles instead of register blocks (matmulVariantFor, the tiled kernels below),
// and a backward with few rows and a long N splits N across a workgroup (splitsN), on every adapter.
// W is f32 or packed halves (weight-storage.ts): each kernel text is generated for both, differing only in W's
// binding and `loadW`; accumulation is f32 either way.
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { grid, sized } from '../gpu/program.ts';
import { isSoftwareAdapter } from '../gpu/device.ts';
import { storageOf, variantName, vec4Weight, weightBinding, type WeightStorage } from './weight-storage.ts';

const FLAG_ACCUMULATE = 1;
const FLAG_BIAS = 2;

const ROWS = 8; // rows of X (forward) or dY (backward) per invocation
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const rows = range(ROWS);
const quads = [0, 1]; // forward: two groups of 4 W rows (8 output columns); backward: two vec4s of dX (8 values)

// Shared WGSL of the forward kernels: X (M, K/4 vec4), W (N, K/4), bias (N), Y (M, N), and the guarded store that
// adds the bias and, when accumulating, Y's old value.
const forwardHeader = (s: WeightStorage) => /* wgsl */ `
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
`;

// Shared WGSL of the backward kernels: dY (M, N), W (N, K/4 vec4), dX (M, K/4 vec4), and the guarded store.
const backwardHeader = (s: WeightStorage) => /* wgsl */ `
struct Dims { M: u32, N: u32, K: u32, flags: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> dY: array<f32>;
${vec4Weight(s, 2, 'W')}
@group(0) @binding(3) var<storage, read_write> dX: array<vec4f>;

fn put(row: u32, k4: u32, v: vec4f) {
  if (row >= d.M || k4 >= d.K / 4u) { return; }
  let i = row * (d.K / 4u) + k4;
  if ((d.flags & 1u) != 0u) { dX[i] = dX[i] + v; } else { dX[i] = v; }
}
`;

// One invocation's 8-row × 8-value block of dX, summed over n = first, first + step, … < N into a{row}_{quad}
// (the blocked kernel walks all of N, the split one a 64th of it). Needs row0, k40 and K4 in scope.
const backwardBlock = (first: string, step: string) => /* wgsl */ `${rows.map((i) => `let y${i} = min(row0 + ${i}u, d.M - 1u) * d.N;`).join(' ')}
  ${quads.map((q) => `let k${q} = min(k40 + ${q}u, K4 - 1u);`).join(' ')}
  ${rows.map((i) => quads.map((q) => `var a${i}_${q} = vec4f(0.0);`).join(' ')).join('\n  ')}
  for (var n = ${first}; n < d.N; n += ${step}) {
    ${quads.map((q) => `let w${q} = loadW(n * K4 + k${q});`).join(' ')}
    ${rows.map((i) => `{ let g = dY[y${i} + n]; ${quads.map((q) => `a${i}_${q} += g * w${q};`).join(' ')} }`).join('\n    ')}
  }`;

const matmulForwardWgsl = (s: WeightStorage) => /* wgsl */ `
${forwardHeader(s)}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let col0 = g.x * 8u;
  let row0 = g.y * ${ROWS}u;
  if (row0 >= d.M || col0 >= d.N) { return; }
  let K4 = d.K / 4u;
  // Rows past the edge re-read the last row (put drops their results): no branch inside the loop.
  ${rows.map((i) => `let x${i} = min(row0 + ${i}u, d.M - 1u) * K4;`).join(' ')}
  ${range(8).map((j) => `let w${j} = min(col0 + ${j}u, d.N - 1u) * K4;`).join(' ')}
  ${rows.map((i) => quads.map((q) => `var y${i}_${q} = vec4f(0.0);`).join(' ')).join('\n  ')}
  for (var k = 0u; k < K4; k++) {
    // The columns of w0q, w1q are W rows: x * w0q is the dot products of x with four W rows.
    ${quads.map((q) => `let w${q}q = mat4x4f(${range(4).map((j) => `loadW(w${4 * q + j} + k)`).join(', ')});`).join('\n    ')}
    ${rows.map((i) => `{ let x = X[x${i} + k]; ${quads.map((q) => `y${i}_${q} += x * w${q}q;`).join(' ')} }`).join('\n    ')}
  }
  ${rows.map((i) => quads.map((q) => range(4).map((j) => `put(row0 + ${i}u, col0 + ${4 * q + j}u, y${i}_${q}[${j}]);`).join(' ')).join(' ')).join('\n  ')}
}`;

const matmulBackwardWgsl = (s: WeightStorage) => /* wgsl */ `
${backwardHeader(s)}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let k40 = g.x * 2u;
  let row0 = g.y * ${ROWS}u;
  let K4 = d.K / 4u;
  if (row0 >= d.M || k40 >= K4) { return; }
  ${backwardBlock('0u', '1u')}
  ${rows.map((i) => quads.map((q) => `put(row0 + ${i}u, k40 + ${q}u, a${i}_${q});`).join(' ')).join('\n  ')}
}`;

// Backward for few rows and a long N (the LM head: dX (R, C) = dLogits (R, V)·W, R = 32, V = 50257): the blocked
// kernel above gives such a shape only ceil(K/64)·ceil(M/64) workgroups (12 for GPT-2), each invocation walking all
// of N serially — 22.5 ms of a 186 ms step on an H100 (docs/gpu-bench.md). Here a workgroup owns one 8-row × 8-value
// block of dX, its 64 invocations split N (n ≡ lid mod 64), and a tree in workgroup memory sums their partials:
// ceil(M/8)·K/8 workgroups (384 for GPT-2). Row blocks vary fastest so that neighbouring workgroups read the same
// W columns while they are in cache.
const matmulBackwardSplitWgsl = (s: WeightStorage) => /* wgsl */ `
${backwardHeader(s)}
var<workgroup> red: array<vec4f, 128>; // two vec4 partials per invocation


@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row0 = wid.x * ${ROWS}u;
  let k40 = wid.y * 2u;
  let K4 = d.K / 4u;
  ${backwardBlock('lid', '64u')}
  ${rows
    .map(
      (i) => `red[2u * lid] = a${i}_0; red[2u * lid + 1u] = a${i}_1;
  workgroupBarrier();
  for (var h = 32u; h > 0u; h >>= 1u) {
    if (lid < h) { red[2u * lid] += red[2u * (lid + h)]; red[2u * lid + 1u] += red[2u * (lid + h) + 1u]; }
    workgroupBarrier();
  }
  if (lid < 2u) { put(row0 + ${i}u, k40 + lid, red[lid]); }
  workgroupBarrier();`,
    )
    .join('\n  ')}
}`;

// Workgroup-memory tiles, for hardware GPUs (matmulVariantFor picks them there). On an H100 the register-blocked
// kernels above reached 4–9 TFLOP/s at the GPT-2 step's shapes (M = 1152 rows, N or K = 768): 64 outputs per
// invocation leave only 216 workgroups of 64 for 1152×768 outputs, too few to keep 132 SMs busy or to hide their
// loads. Here a workgroup of 8×8 invocations owns a 32×32 output tile, 4×4 outputs each (4× the invocations), and
// stages 32-deep slices of both operands in workgroup memory, so each global value is loaded once per tile rather
// than once per invocation. On SwiftShader the same tiling ran 2× slower than register blocking (docs/decisions.md).
const TILE = 32;
// Forward: both operands are read along K, so the tiles keep that layout (vec4 along K, rows of 8 vec4 padded to 9:
// the 8 invocations of a load phase then hit distinct bank groups) and each step is a vec4 × mat4x4 product as in
// the blocked kernel. An invocation owns rows ty + 8i and columns tx + 8j (strided, not 4 consecutive): its 4 W
// vec4 then lie 8 rows apart, in distinct bank groups across tx. Measured on the H100 (docs/gpu-bench.md), this
// layout was not faster than a first version that transposed both tiles into [k][row] floats with scalar reads
// (17.5 vs 16.5 ms of forward matmuls a GPT-2 step, 10–16 TFLOP/s, two different calls): kept because it is the
// build measured end to end; comparing the two in one call is a follow-up.
const matmulForwardTiledWgsl = (s: WeightStorage) => /* wgsl */ `
${forwardHeader(s)}
var<workgroup> xs: array<vec4f, ${TILE * 9}>; // [row][k4], row stride 9
var<workgroup> ws: array<vec4f, ${TILE * 9}>; // [col][k4]


@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  let m0 = wid.y * ${TILE}u;
  let n0 = wid.x * ${TILE}u;
  let K4 = d.K / 4u;
  ${range(4).map((i) => `var acc${i} = vec4f(0.0);`).join(' ')}
  for (var k40 = 0u; k40 < K4; k40 += 8u) {
    // 32 rows × 8 vec4 of each operand, 4 per invocation; rows past the edge re-read the last one (put drops them),
    // vec4s past K are zero.
    for (var q = 0u; q < 4u; q++) {
      let t = li + 64u * q;
      let r = t / 8u;
      let c4 = t % 8u;
      var xv = vec4f(0.0);
      var wv = vec4f(0.0);
      if (k40 + c4 < K4) {
        xv = X[min(m0 + r, d.M - 1u) * K4 + k40 + c4];
        wv = loadW(min(n0 + r, d.N - 1u) * K4 + k40 + c4);
      }
      xs[r * 9u + c4] = xv;
      ws[r * 9u + c4] = wv;
    }
    workgroupBarrier();
    for (var k4 = 0u; k4 < 8u; k4++) {
      // Columns of wm are W rows: x * wm is the dot products of x with four W rows.
      let wm = mat4x4f(${range(4).map((j) => `ws[(lid.x + ${8 * j}u) * 9u + k4]`).join(', ')});
      ${range(4).map((i) => `acc${i} += xs[(lid.y + ${8 * i}u) * 9u + k4] * wm;`).join(' ')}
    }
    workgroupBarrier();
  }
  ${range(4).map((i) => range(4).map((j) => `put(m0 + lid.y + ${8 * i}u, n0 + lid.x + ${8 * j}u, acc${i}[${j}]);`).join(' ')).join('\n  ')}
}`;

const matmulBackwardTiledWgsl = (s: WeightStorage) => /* wgsl */ `
${backwardHeader(s)}
var<workgroup> ys: array<f32, ${TILE * 33}>; // [n][row], row stride 33: the transposing stores fall in 32 banks
var<workgroup> ws: array<vec4f, ${TILE * 8}>; // [n][k4]: already in W's layout, no transpose


@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  let m0 = wid.y * ${TILE}u;
  let k40 = wid.x * 8u;
  let K4 = d.K / 4u;
  ${range(4).map((i) => `var acc${i} = vec4f(0.0);`).join(' ')}
  for (var n0 = 0u; n0 < d.N; n0 += ${TILE}u) {
    // dY: 32 rows × 32 n, 16 per invocation (consecutive invocations along n); W: 32 n × 8 vec4, 4 per invocation.
    for (var q = 0u; q < 16u; q++) {
      let t = li + 64u * q;
      let r = t / 32u;
      let n = t % 32u;
      var y = 0.0;
      if (n0 + n < d.N) { y = dY[min(m0 + r, d.M - 1u) * d.N + n0 + n]; }
      ys[n * 33u + r] = y;
    }
    for (var q = 0u; q < 4u; q++) {
      let t = li + 64u * q;
      let n = t / 8u;
      let c4 = t % 8u;
      var wv = vec4f(0.0);
      if (n0 + n < d.N && k40 + c4 < K4) { wv = loadW((n0 + n) * K4 + k40 + c4); }
      ws[n * 8u + c4] = wv;
    }
    workgroupBarrier();
    for (var n = 0u; n < ${TILE}u; n++) {
      let yo = n * 33u + lid.y * 4u;
      let w = ws[n * 8u + lid.x];
      ${range(4).map((i) => `acc${i} += ys[yo + ${i}u] * w;`).join(' ')}
    }
    workgroupBarrier();
  }
  ${range(4).map((i) => `put(m0 + lid.y * 4u + ${i}u, k40 + lid.x, acc${i});`).join(' ')}
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
  { name: 'matmulForward', code: matmulForwardWgsl('f32') },
  { name: 'matmulBackward', code: matmulBackwardWgsl('f32') },
  { name: 'matmulBackwardSplit', code: matmulBackwardSplitWgsl('f32') },
  { name: 'matmulNaive', code: naiveWgsl },
  { name: 'matvecForward', code: matvecWgsl('f32') },
];

/** The workgroup-tiled forward and backward, compiled where matmulVariantFor says 'tiled'. */
export const MATMUL_TILED_KERNELS: KernelSource[] = [
  { name: 'matmulForwardTiled', code: matmulForwardTiledWgsl('f32') },
  { name: 'matmulBackwardTiled', code: matmulBackwardTiledWgsl('f32') },
];
export const MATMUL_TILED_F16_KERNELS: KernelSource[] = [
  { name: variantName('matmulForwardTiled', 'f16'), code: matmulForwardTiledWgsl('f16') },
  { name: variantName('matmulBackwardTiled', 'f16'), code: matmulBackwardTiledWgsl('f16') },
];

/** Register-blocked kernels (every adapter) or workgroup-memory tiles (hardware GPUs), see the kernels' comments. */
export type MatmulVariant = 'blocked' | 'tiled';

/** The one place where the adapter picks the matmul variant: tiles on hardware GPUs, register blocks on software. */
export const matmulVariantFor = (adapterName: string): MatmulVariant => (isSoftwareAdapter(adapterName) ? 'blocked' : 'tiled');

/** The matmul kernels a program needs for a variant and weight storage (the blocked ones are always compiled: the
 *  decode matvec and the bench's naive kernel live there, and a launcher can be asked for them explicitly). */
export function matmulKernels(variant: MatmulVariant, storage: WeightStorage): KernelSource[] {
  const tiled = variant === 'tiled' ? [...MATMUL_TILED_KERNELS, ...(storage === 'f16' ? MATMUL_TILED_F16_KERNELS : [])] : [];
  return [...MATMUL_KERNELS, ...(storage === 'f16' ? MATMUL_F16_KERNELS : []), ...tiled];
}

/** The launchers' default (no `variant` given): tiled when the program's kernel set was compiled with the tiled
 *  kernels, i.e. when decoderKernels was given matmulVariantFor(adapter) = 'tiled'. */
const variantOf = (p: ProgramBuilder): MatmulVariant => (p.has('matmulForwardTiled') ? 'tiled' : 'blocked');

/** The same kernels reading W as packed halves (weight-storage.ts); the launchers pick them for half buffers. */
export const MATMUL_F16_KERNELS: KernelSource[] = [
  { name: variantName('matmulForward', 'f16'), code: matmulForwardWgsl('f16') },
  { name: variantName('matmulBackward', 'f16'), code: matmulBackwardWgsl('f16') },
  { name: variantName('matmulBackwardSplit', 'f16'), code: matmulBackwardSplitWgsl('f16') },
  { name: variantName('matvecForward', 'f16'), code: matvecWgsl('f16') },
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
  variant?: MatmulVariant,
): void {
  checkK(K, 'matmulForward');
  const flags = (accumulate ? FLAG_ACCUMULATE : 0) | (bias ? FLAG_BIAS : 0);
  const buffers = { X: sized(x, M * K), W: weightBinding(w, N * K), bias: bias ? sized(bias, N) : sized(zero, 1), Y: sized(y, M * N) };
  if ((variant ?? variantOf(p)) === 'tiled') p.dispatch(variantName('matmulForwardTiled', storageOf(w)), [M, N, K, flags], buffers, [Math.ceil(N / TILE), Math.ceil(M / TILE), 1]);
  else p.dispatch(variantName('matmulForward', storageOf(w)), [M, N, K, flags], buffers, [Math.ceil(N / 64), Math.ceil(M / (8 * ROWS)), 1]);
}

/** Whether matmulBackward splits N across a workgroup (matmulBackwardSplitWgsl): when the blocked kernel would get
 *  fewer than 32 workgroups and each invocation would walk an N of 4096 or more. A property of the shape alone, so
 *  every adapter runs the same kernel for the same call. */
export const splitsN = ({ M, N, K }: MatmulDims): boolean => Math.ceil(K / 64) * Math.ceil(M / (8 * ROWS)) < 32 && N >= 4096;

/** dX (M,K) = dY (M,N)·W (+ dX when accumulate). */
export function matmulBackward(p: ProgramBuilder, dx: GPUBuffer, dy: GPUBuffer, w: GPUBuffer, { M, N, K }: MatmulDims, accumulate = false, variant?: MatmulVariant): void {
  checkK(K, 'matmulBackward');
  const words = [M, N, K, accumulate ? FLAG_ACCUMULATE : 0];
  const buffers = { dY: sized(dy, M * N), W: weightBinding(w, N * K), dX: sized(dx, M * K) };
  if (splitsN({ M, N, K })) p.dispatch(variantName('matmulBackwardSplit', storageOf(w)), words, buffers, [Math.ceil(M / ROWS), Math.ceil(K / 8), 1]);
  else if ((variant ?? variantOf(p)) === 'tiled') p.dispatch(variantName('matmulBackwardTiled', storageOf(w)), words, buffers, [Math.ceil(K / 4 / 8), Math.ceil(M / TILE), 1]);
  else p.dispatch(variantName('matmulBackward', storageOf(w)), words, buffers, [Math.ceil(K / 4 / 2 / 8), Math.ceil(M / (8 * ROWS)), 1]);
}

/** y (1,N) = x (1,K)·Wᵀ (+ bias) (+ y when accumulate): the decode step's single row. */
export function matvecForward(p: ProgramBuilder, y: GPUBuffer, x: GPUBuffer, w: GPUBuffer, bias: GPUBuffer | null, zero: GPUBuffer, { N, K }: { N: number; K: number }, accumulate = false): void {
  checkK(K, 'matvecForward');
  const flags = (accumulate ? FLAG_ACCUMULATE : 0) | (bias ? FLAG_BIAS : 0);
  const buffers = { X: sized(x, K), W: weightBinding(w, N * K), bias: bias ? sized(bias, N) : sized(zero, 1), Y: sized(y, N) };
  p.dispatch(variantName('matvecForward', storageOf(w)), [1, N, K, flags], buffers, grid(N, 64));
}

/** The naive kernel, for the bench only. */
export function matmulNaive(p: ProgramBuilder, y: GPUBuffer, x: GPUBuffer, w: GPUBuffer, { M, N, K }: MatmulDims): void {
  if (storageOf(w) !== 'f32') throw new Error('matmulNaive reads f32 weights only');
  p.dispatch('matmulNaive', [M, N, K, 0], { X: sized(x, M * K), W: sized(w, N * K), Y: sized(y, M * N) }, [Math.ceil(N / 8), Math.ceil(M / 8), 1]);
}
