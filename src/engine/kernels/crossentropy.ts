// Softmax cross-entropy over the vocabulary, only at scored positions (the LM head ran on those rows alone).
// One workgroup per scored row r: loss[r] = logsumexp(logits[r]) - logits[r, target[r]]; with `grad`, the logits
// are overwritten in place by d loss / d logits = (softmax - onehot) · scale, scale = 1 / (number of scored tokens
// in the batch), read from `dyn[0]` so it can change every step without rebuilding the program.
// Rows with target < 0 are padding of the row bucket: loss 0, gradient 0.
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { grid, sized } from '../gpu/program.ts';

const WG = 256;

const wgsl = /* wgsl */ `
struct Dims { R: u32, V: u32, grad: u32, pad0: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read_write> logits: array<f32>; // (R, V)
@group(0) @binding(2) var<storage, read> targets: array<i32>;      // (R)
@group(0) @binding(3) var<storage, read> dyn: array<f32>;          // [0] = 1 / scored tokens
@group(0) @binding(4) var<storage, read_write> losses: array<f32>; // (R)
var<workgroup> sh: array<f32, ${WG}>;

fn wgReduce(v: f32, lid: u32, isMax: bool) -> f32 {
  sh[lid] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = select(sh[lid] + sh[lid + s], max(sh[lid], sh[lid + s]), isMax); }
    workgroupBarrier();
  }
  let r = sh[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= d.R) { return; }
  let lid = lid3.x;
  let base = row * d.V;
  let t = targets[row];
  var m = -3.0e38;
  for (var v = lid; v < d.V; v += ${WG}u) { m = max(m, logits[base + v]); }
  m = wgReduce(m, lid, true);
  var s = 0.0;
  for (var v = lid; v < d.V; v += ${WG}u) { s += exp(logits[base + v] - m); }
  let lse = m + log(wgReduce(s, lid, false));
  if (lid == 0u) {
    losses[row] = select(0.0, lse - logits[base + u32(max(t, 0))], t >= 0);
  }
  workgroupBarrier();
  if (d.grad == 0u) { return; }
  let scale = select(0.0, dyn[0], t >= 0);
  for (var v = lid; v < d.V; v += ${WG}u) {
    let p = exp(logits[base + v] - lse);
    logits[base + v] = (p - select(0.0, 1.0, i32(v) == t)) * scale;
  }
}`;

export const CROSSENTROPY_KERNELS: KernelSource[] = [{ name: 'crossEntropy', code: wgsl }];

/** losses (R) from logits (R, V); with `grad`, logits become d loss / d logits. */
export function crossEntropy(p: ProgramBuilder, losses: GPUBuffer, logits: GPUBuffer, targets: GPUBuffer, dyn: GPUBuffer, R: number, V: number, grad: boolean): void {
  p.dispatch('crossEntropy', [R, V, grad ? 1 : 0, 0], { logits: sized(logits, R * V), targets: sized(targets, R), dyn: sized(dyn, 1), losses: sized(losses, R) }, grid(R, 1));
}
