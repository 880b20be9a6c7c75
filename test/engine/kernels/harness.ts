// Shared plumbing of the kernel tests: one Dawn device and every kernel compiled once (pipeline cache), upload /
// run / read helpers, a seeded RNG, and the atol + rtol·|ref| comparison that prints the worst mismatches.
import { expect } from 'vitest';
import { dawnGpu } from '../../../cli/dawn.ts';
import { createStorage, readF32 } from '../../../src/engine/gpu/buffers.ts';
import { KernelSet, ProgramBuilder, type KernelSource } from '../../../src/engine/gpu/program.ts';
import { ACTIVATION_KERNELS } from '../../../src/engine/kernels/activation.ts';
import { ADAMW_KERNELS } from '../../../src/engine/kernels/adamw.ts';
import { ATTENTION_KERNELS } from '../../../src/engine/kernels/attention.ts';
import { CROSSENTROPY_KERNELS } from '../../../src/engine/kernels/crossentropy.ts';
import { EMBEDDING_KERNELS } from '../../../src/engine/kernels/embedding.ts';
import { MATMUL_KERNELS } from '../../../src/engine/kernels/matmul.ts';
import { NORM_KERNELS } from '../../../src/engine/kernels/norm.ts';
import { ROPE_KERNELS } from '../../../src/engine/kernels/rope.ts';

export interface Harness {
  device: GPUDevice;
  kernels: KernelSet;
  /** Records dispatches with `record`, submits them in one pass and waits for the queue. */
  run(record: (p: ProgramBuilder) => void): Promise<void>;
  f32(data: ArrayLike<number>): GPUBuffer;
  i32(data: ArrayLike<number>): GPUBuffer;
  u32(data: ArrayLike<number>): GPUBuffer;
  zeros(count: number): GPUBuffer;
  read(buffer: GPUBuffer, count: number): Promise<Float32Array>;
}

const FAMILIES: KernelSource[][] = [
  MATMUL_KERNELS, NORM_KERNELS, ACTIVATION_KERNELS, ROPE_KERNELS, ATTENTION_KERNELS, EMBEDDING_KERNELS, CROSSENTROPY_KERNELS, ADAMW_KERNELS,
];

export async function harness(): Promise<Harness> {
  const gpu = await dawnGpu();
  const device = gpu.device;
  const kernels = await KernelSet.compile(device, FAMILIES.flat(), gpu.asyncPipelines);
  return {
    device,
    kernels,
    async run(record) {
      const p = new ProgramBuilder(kernels);
      record(p);
      const program = p.build();
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      program.encode(pass);
      pass.end();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      program.destroy();
    },
    f32: (data) => createStorage(device, Float32Array.from(data)),
    i32: (data) => createStorage(device, Int32Array.from(data)),
    u32: (data) => createStorage(device, Uint32Array.from(data)),
    zeros: (count) => createStorage(device, 4 * count),
    read: (buffer, count) => readF32(device, buffer, count),
  };
}

/** Deterministic uniform values in [-scale, scale) (mulberry32). */
export function randn(count: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Asserts |got - ref| ≤ atol + rtol·|ref| everywhere; on failure the message names the worst elements. */
export function expectClose(got: ArrayLike<number>, ref: ArrayLike<number>, what: string, atol = 1e-5, rtol = 1e-5): void {
  expect(got.length, `${what}: length`).toBe(ref.length);
  let maxErr = 0;
  const bad: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(got[i] - ref[i]);
    maxErr = Math.max(maxErr, Number.isNaN(err) ? Infinity : err);
    if (!(err <= atol + rtol * Math.abs(ref[i])) && bad.length < 5) bad.push(`[${i}] got ${got[i]} want ${ref[i]}`);
  }
  expect(bad, `${what}: max |err| ${maxErr.toExponential(2)} (atol ${atol}, rtol ${rtol}); first mismatches`).toEqual([]);
}
