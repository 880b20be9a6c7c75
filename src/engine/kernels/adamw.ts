// AdamW on the GPU, torch.optim.AdamW semantics (decoupled weight decay, bias-corrected moments), in place on
// (param, m, v) of n floats:
//   param *= 1 - lr·wd
//   m = β1·m + (1 - β1)·g            v = β2·v + (1 - β2)·g²
//   param -= (lr / (1 - β1ᵗ)) · m / (√v / √(1 - β2ᵗ) + eps)
// The step-dependent scalars live in a small uniform buffer (adamwHyper) that the caller rewrites with
// queue.writeBuffer before each submit, so the recorded program never changes. Every derived scalar (1 - β,
// 1 - lr·wd, bias corrections) is computed on the host in float64: 1 - 0.999 evaluated in f32 is off by 1.3e-5
// relative (measured here against the float64 reference), and 1 - β2ᵗ loses digits the same way.
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { grid, LINEAR_ID } from '../gpu/program.ts';

const WG = 256;

const wgsl = /* wgsl */ `
struct Dims { n: u32, pad0: u32, pad1: u32, pad2: u32 }
struct Hyper { beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32, decay: f32, stepSize: f32, bc2Sqrt: f32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<uniform> h: Hyper;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> param: array<f32>;
@group(0) @binding(4) var<storage, read_write> m: array<f32>;
@group(0) @binding(5) var<storage, read_write> v: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearId(gid, nwg, ${WG}u);
  if (i >= d.n) { return; }
  let g = grad[i];
  let mi = h.beta1 * m[i] + h.oneMinusBeta1 * g;
  let vi = h.beta2 * v[i] + h.oneMinusBeta2 * g * g;
  m[i] = mi;
  v[i] = vi;
  let p = param[i] * h.decay;
  param[i] = p - h.stepSize * mi / (sqrt(vi) / h.bc2Sqrt + h.eps);
}`;

export const ADAMW_KERNELS: KernelSource[] = [{ name: 'adamw', code: wgsl, workgroupSize: WG }];

export interface AdamWScalars {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** The uniform block for optimiser step `step` (1-based, as torch counts): 8 floats, 32 bytes. */
export function adamwHyper(h: AdamWScalars, step: number): Float32Array {
  if (!(step >= 1)) throw new Error(`adamw: step=${step} must be ≥ 1 (bias corrections divide by 1 - β^step)`);
  const bc1 = 1 - Math.pow(h.beta1, step);
  const bc2 = 1 - Math.pow(h.beta2, step);
  return Float32Array.of(h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, 1 - h.lr * h.weightDecay, h.lr / bc1, Math.sqrt(bc2));
}

/** One AdamW update of param, m, v (each n floats) from grad (n); `hyper` is a 32-byte uniform (adamwHyper). */
export function adamwStep(p: ProgramBuilder, param: GPUBuffer, m: GPUBuffer, v: GPUBuffer, grad: GPUBuffer, hyper: GPUBuffer, n: number): void {
  p.dispatch('adamw', [n, 0, 0, 0], [hyper, grad, param, m, v], grid(n, WG));
}
