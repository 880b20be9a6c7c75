// Element-wise MLP activations, forward and backward side by side.
//   GPT-2 gelu_new: y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
//   SwiGLU:         y = silu(gate) · up,  silu(g) = g·σ(g)
//   GeGLU (Gemma):  y = gelu_tanh(gate) · up  (gelu_pytorch_tanh = gelu_new's formula)
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { grid, LINEAR_ID, sized } from '../gpu/program.ts';

const WG = 256;
const header = /* wgsl */ `
struct Dims { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
${LINEAR_ID}
const S2PI: f32 = 0.7978845608028654;
// tanh through exp overflows to NaN on some drivers for large |u|; it is ±1 there to f32 precision anyway.
fn tanhSafe(u: f32) -> f32 { return tanh(clamp(u, -15.0, 15.0)); }
fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
fn silu(x: f32) -> f32 { return x * sigmoid(x); }
fn siluGrad(x: f32) -> f32 { let s = sigmoid(x); return s * (1.0 + x * (1.0 - s)); }
fn gelu(x: f32) -> f32 { return 0.5 * x * (1.0 + tanhSafe(S2PI * (x + 0.044715 * x * x * x))); }
fn geluGrad(x: f32) -> f32 {
  let t = tanhSafe(S2PI * (x + 0.044715 * x * x * x));
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * S2PI * (1.0 + 3.0 * 0.044715 * x * x);
}`;

const geluForward = /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearId(gid, nwg, ${WG}u);
  if (i >= d.n) { return; }
  Y[i] = gelu(X[i]);
}`;

// In place: X (the saved pre-activation, not needed afterwards) is overwritten by dX.
const geluBackward = /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> dY: array<f32>;
@group(0) @binding(2) var<storage, read_write> X: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearId(gid, nwg, ${WG}u);
  if (i >= d.n) { return; }
  X[i] = dY[i] * geluGrad(X[i]);
}`;

// The gated MLPs, one generator for both: y = act(gate) · up, with act = silu (SwiGLU) or gelu (GeGLU). Backward in
// place: G and U are overwritten by dGate and dUp (forward's G and U are not needed afterwards).
const gatedForward = (act: 'silu' | 'gelu') => /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearId(gid, nwg, ${WG}u);
  if (i >= d.n) { return; }
  Y[i] = ${act}(G[i]) * U[i];
}`;

const gatedBackward = (act: 'silu' | 'gelu') => /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> dY: array<f32>;
@group(0) @binding(2) var<storage, read_write> G: array<f32>;
@group(0) @binding(3) var<storage, read_write> U: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearId(gid, nwg, ${WG}u);
  if (i >= d.n) { return; }
  let g = G[i];
  let dy = dY[i];
  G[i] = dy * U[i] * ${act}Grad(g);
  U[i] = dy * ${act}(g);
}`;

export const ACTIVATION_KERNELS: KernelSource[] = [
  { name: 'geluForward', code: geluForward },
  { name: 'geluBackward', code: geluBackward },
  { name: 'swigluForward', code: gatedForward('silu') },
  { name: 'swigluBackward', code: gatedBackward('silu') },
  { name: 'gegluForward', code: gatedForward('gelu') },
  { name: 'gegluBackward', code: gatedBackward('gelu') },
];

export function geluForwardOp(p: ProgramBuilder, y: GPUBuffer, x: GPUBuffer, n: number): void {
  p.dispatch('geluForward', [n, 0, 0, 0], { X: sized(x, n), Y: sized(y, n) }, grid(n, WG));
}
/** Overwrites x (the pre-activation) with dx. */
export function geluBackwardOp(p: ProgramBuilder, x: GPUBuffer, dy: GPUBuffer, n: number): void {
  p.dispatch('geluBackward', [n, 0, 0, 0], { dY: sized(dy, n), X: sized(x, n) }, grid(n, WG));
}
/** The gated MLP's activation: SwiGLU (Llama, Qwen) or GeGLU (Gemma). */
export type GatedActivation = 'swiglu' | 'geglu';
export function gatedForwardOp(p: ProgramBuilder, kind: GatedActivation, y: GPUBuffer, gate: GPUBuffer, up: GPUBuffer, n: number): void {
  p.dispatch(`${kind}Forward`, [n, 0, 0, 0], { G: sized(gate, n), U: sized(up, n), Y: sized(y, n) }, grid(n, WG));
}
/** Overwrites gate with dGate and up with dUp. */
export function gatedBackwardOp(p: ProgramBuilder, kind: GatedActivation, gate: GPUBuffer, up: GPUBuffer, dy: GPUBuffer, n: number): void {
  p.dispatch(`${kind}Backward`, [n, 0, 0, 0], { dY: sized(dy, n), G: sized(gate, n), U: sized(up, n) }, grid(n, WG));
}
