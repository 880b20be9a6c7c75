// How a frozen weight matrix is stored on the GPU: f32, or IEEE half floats packed two to a little-endian u32
// word (element 2j in the low 16 bits of word j) and widened in the shader with WGSL's core `unpack2x16float`.
// Why not the `shader-f16` extension: SwiftShader, the GPU every test here runs on, lacks it; unpacking from u32
// works on every adapter, halves weight memory and bandwidth, and keeps all arithmetic (accumulation) in f32.
//
// The storage is a property of the buffer, so it travels with it: model/gpu-buffers.ts marks the buffers it
// uploads as halves, and each launcher that reads a weight picks the kernel variant of its buffer. Call sites
// (training program, decode step) are the same for both storages. Each kernel's text is generated once per
// storage from one template: only the weight operand's binding and its small load function differ.
import { sized, type Binding } from '../gpu/program.ts';

export type WeightStorage = 'f32' | 'f16';

const halfBuffers = new WeakSet<GPUBuffer>();

/** Records that `buffer` holds packed halves (see the header); returns it. */
export function markHalf(buffer: GPUBuffer): GPUBuffer {
  halfBuffers.add(buffer);
  return buffer;
}

export function storageOf(buffer: GPUBuffer): WeightStorage {
  return halfBuffers.has(buffer) ? 'f16' : 'f32';
}

/** The kernel name of a storage variant: the f32 kernel keeps its plain name. */
export const variantName = (base: string, storage: WeightStorage): string => (storage === 'f16' ? `${base}F16` : base);

/**
 * WGSL: storage binding `name` and `fn load${name}(i: u32) -> vec4f` returning values 4i..4i+3 (i counts vec4s;
 * rows must hold a multiple of 4 values, as every matmul's K does).
 */
export function vec4Weight(storage: WeightStorage, binding: number, name: string): string {
  if (storage === 'f32')
    return `@group(0) @binding(${binding}) var<storage, read> ${name}: array<vec4f>;
fn load${name}(i: u32) -> vec4f { return ${name}[i]; }`;
  return `@group(0) @binding(${binding}) var<storage, read> ${name}: array<vec2<u32>>; // 4 halves per element
fn load${name}(i: u32) -> vec4f { let h = ${name}[i]; return vec4f(unpack2x16float(h.x), unpack2x16float(h.y)); }`;
}

/** WGSL: storage binding `name` and `fn load${name}(i: u32) -> f32` returning value i (gathers: embeddings). */
export function scalarWeight(storage: WeightStorage, binding: number, name: string): string {
  if (storage === 'f32')
    return `@group(0) @binding(${binding}) var<storage, read> ${name}: array<f32>;
fn load${name}(i: u32) -> f32 { return ${name}[i]; }`;
  return `@group(0) @binding(${binding}) var<storage, read> ${name}: array<u32>; // 2 halves per element
fn load${name}(i: u32) -> f32 { let h = unpack2x16float(${name}[i >> 1u]); return select(h.x, h.y, (i & 1u) == 1u); }`;
}

/** A weight's binding (program.ts) with the values its shape needs: 2 bytes a value for packed halves, else 4. */
export const weightBinding = (buffer: GPUBuffer, values: number): Binding => sized(buffer, values, storageOf(buffer) === 'f16' ? 2 : 4);
