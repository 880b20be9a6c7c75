// Rotary position embedding, rotate-half form (transformers' apply_rotary_pos_emb), in place on a
// (B·S, heads, hd) buffer; position of row s is `offset + s` (prefix tuning: offset P). Backward is the same
// rotation by the negative angle, applied in place to the gradient.
// cos/sin come from a table computed on the host in float64 (ropeTable): GPU sin/cos of angles of tens of
// radians are only accurate to ~1e-3 on SwiftShader, which showed as 1e-3 logit errors on the golden cases.
import type { KernelSource, ProgramBuilder } from '../gpu/program.ts';
import { f32, grid, LINEAR_ID, sized } from '../gpu/program.ts';

const WG = 256;
const ropeWgsl = /* wgsl */ `
struct Dims { rows: u32, S: u32, heads: u32, hd: u32, offset: u32, sign: f32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> table: array<f32>; // (N, hd/2, 2) cos, sin
@group(0) @binding(2) var<storage, read_write> X: array<f32>;
${LINEAR_ID}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let half = d.hd / 2u;
  let id = linearId(gid, nwg, ${WG}u);
  if (id >= d.rows * d.heads * half) { return; }
  let i = id % half;
  let rh = id / half; // row * heads + head
  let row = rh / d.heads;
  let t = ((d.offset + row % d.S) * half + i) * 2u;
  let c = table[t];
  let s = d.sign * table[t + 1u];
  let base = rh * d.hd;
  let x1 = X[base + i];
  let x2 = X[base + i + half];
  X[base + i] = x1 * c - x2 * s;
  X[base + i + half] = x2 * c + x1 * s;
}`;

export const ROPE_KERNELS: KernelSource[] = [{ name: 'rope', code: ropeWgsl }];

export interface RopeDims {
  rows: number; // B·S
  S: number;
  heads: number;
  hd: number;
  offset: number;
}

/** The table's (position, hd/2, 2) rows up to the last position the shape reaches, and X's (rows, heads, hd). */
const ropeBindings = (table: GPUBuffer, x: GPUBuffer, d: RopeDims) => ({
  table: sized(table, (d.offset + Math.min(d.S, d.rows)) * d.hd),
  X: sized(x, d.rows * d.heads * d.hd),
});

export function ropeForward(p: ProgramBuilder, x: GPUBuffer, table: GPUBuffer, d: RopeDims): void {
  p.dispatch('rope', [d.rows, d.S, d.heads, d.hd, d.offset, f32(1), 0, 0], ropeBindings(table, x, d), grid((d.rows * d.heads * d.hd) / 2, WG));
}

export function ropeBackward(p: ProgramBuilder, dx: GPUBuffer, table: GPUBuffer, d: RopeDims): void {
  p.dispatch('rope', [d.rows, d.S, d.heads, d.hd, d.offset, f32(-1), 0, 0], ropeBindings(table, dx, d), grid((d.rows * d.heads * d.hd) / 2, WG));
}

/** (N, hd/2, 2) cos and sin of position · inv_freq, in float64 then rounded once. */
export function ropeTable(invFreq: Float64Array, positions: number): Float32Array {
  const half = invFreq.length;
  const out = new Float32Array(positions * half * 2);
  for (let pos = 0; pos < positions; pos++)
    for (let i = 0; i < half; i++) {
      const angle = pos * invFreq[i];
      out[(pos * half + i) * 2] = Math.cos(angle);
      out[(pos * half + i) * 2 + 1] = Math.sin(angle);
    }
  return out;
}
