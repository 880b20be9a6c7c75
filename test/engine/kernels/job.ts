// A kernel test's GPU work as plain data (buffers, launcher calls, reads), so the same test body runs on Dawn in
// Node or inside headless Chromium (page.ts). Dawn by default (runner.ts); the page is kept
// so the same WGSL can be checked where the studio runs it.
import { KernelSet, ProgramBuilder, type KernelSource } from '../../../src/engine/gpu/program.ts';
import * as activation from '../../../src/engine/kernels/activation.ts';
import * as attention from '../../../src/engine/kernels/attention.ts';
import * as crossentropy from '../../../src/engine/kernels/crossentropy.ts';
import * as embedding from '../../../src/engine/kernels/embedding.ts';
import * as kvCache from '../../../src/engine/kernels/kv-cache.ts';
import * as matmul from '../../../src/engine/kernels/matmul.ts';
import * as norm from '../../../src/engine/kernels/norm.ts';
import * as rope from '../../../src/engine/kernels/rope.ts';
import { markHalf } from '../../../src/engine/kernels/weight-storage.ts';
import { packHalves } from '../../../src/engine/io/safetensors.ts';

/** A buffer of the job, by index. */
export interface Buf {
  $buf: number;
}

type BufInit =
  | { kind: 'f32' | 'i32' | 'u32'; data: number[] }
  | { kind: 'f16'; data: number[] } // a weight stored as packed halves (kernels/weight-storage.ts), rounded to nearest even
  | { kind: 'zeros'; count: number };

export interface JobSpec {
  buffers: BufInit[];
  calls: { fn: string; args: unknown[] }[];
  reads: { buf: number; count: number }[];
}

// Every launcher a test may call: (ProgramBuilder, ...args) with buffers passed as Buf handles.
type Launcher = (p: ProgramBuilder, ...args: never[]) => void;
const LAUNCHERS: Record<string, Launcher> = {
  matmulForward: matmul.matmulForward,
  matmulBackward: matmul.matmulBackward,
  matmulNaive: matmul.matmulNaive,
  matvecForward: matmul.matvecForward,
  normForward: norm.normForward,
  normBackward: norm.normBackward,
  geluForwardOp: activation.geluForwardOp,
  geluBackwardOp: activation.geluBackwardOp,
  gatedForwardOp: activation.gatedForwardOp,
  gatedBackwardOp: activation.gatedBackwardOp,
  ropeForward: rope.ropeForward,
  ropeBackward: rope.ropeBackward,
  attentionForward: attention.attentionForward,
  attentionBackward: attention.attentionBackward,
  embedForward: embedding.embedForward,
  promptGrad: embedding.promptGrad,
  gatherRows: embedding.gatherRows,
  scatterRows: embedding.scatterRows,
  fill: embedding.fill,
  copy: embedding.copy,
  crossEntropy: crossentropy.crossEntropy,
  embedStep: kvCache.embedStep,
  ropeStep: kvCache.ropeStep,
  kvAppend: kvCache.kvAppend,
  attentionStep: kvCache.attentionStep,
};
export type LauncherName = keyof typeof LAUNCHERS;

/** Attention is compiled for a head-dim capacity; tests use head dims up to this. */
// 80: past one workgroup of 64, so the attention kernels' second per-invocation dim (lid + 64) is exercised.
export const TEST_MAX_HEAD_DIM = 80;

export const ALL_KERNELS: KernelSource[] = [
  ...matmul.MATMUL_KERNELS,
  ...norm.NORM_KERNELS,
  ...activation.ACTIVATION_KERNELS,
  ...rope.ROPE_KERNELS,
  ...attention.attentionKernels(TEST_MAX_HEAD_DIM),
  ...embedding.EMBEDDING_KERNELS,
  ...matmul.MATMUL_F16_KERNELS,
  ...matmul.MATMUL_TILED_KERNELS, // both matmul variants compiled: tests name the one they run (matmul.test.ts)
  ...matmul.MATMUL_TILED_F16_KERNELS,
  ...embedding.EMBEDDING_F16_KERNELS,
  ...crossentropy.CROSSENTROPY_KERNELS,
  ...kvCache.kvCacheKernels(TEST_MAX_HEAD_DIM),
];

/** Builds a job in Node: buffers by handle, then launcher calls in order, then reads. */
export class Job {
  readonly spec: JobSpec = { buffers: [], calls: [], reads: [] };

  private add(init: BufInit): Buf {
    this.spec.buffers.push(init);
    return { $buf: this.spec.buffers.length - 1 };
  }
  f32 = (data: ArrayLike<number>): Buf => this.add({ kind: 'f32', data: Array.from(data) });
  f16 = (data: ArrayLike<number>): Buf => this.add({ kind: 'f16', data: Array.from(data) });
  i32 = (data: ArrayLike<number>): Buf => this.add({ kind: 'i32', data: Array.from(data) });
  u32 = (data: ArrayLike<number>): Buf => this.add({ kind: 'u32', data: Array.from(data) });
  zeros = (count: number): Buf => this.add({ kind: 'zeros', count });

  call(fn: LauncherName, ...args: unknown[]): void {
    this.spec.calls.push({ fn, args });
  }

  /** Index of the read in the results. */
  read(buf: Buf, count: number): number {
    this.spec.reads.push({ buf: buf.$buf, count });
    return this.spec.reads.length - 1;
  }
}

const isBuf = (x: unknown): x is Buf => typeof x === 'object' && x !== null && '$buf' in x;

function resolve(x: unknown, buffers: GPUBuffer[]): unknown {
  if (isBuf(x)) return buffers[x.$buf];
  if (Array.isArray(x)) return x.map((v) => resolve(v, buffers));
  if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, resolve(v, buffers)]));
  return x;
}

/** A storage buffer of `init` bytes (zero-filled) or holding `init`, rounded up to 16 bytes (vec4 loads). */
function createStorage(device: GPUDevice, init: number | ArrayBufferView): GPUBuffer {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const bytes = typeof init === 'number' ? init : init.byteLength;
  const buffer = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage, mappedAtCreation: typeof init !== 'number' });
  if (typeof init !== 'number') {
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(init.buffer, init.byteOffset, init.byteLength));
    buffer.unmap();
  }
  return buffer;
}

/** Runs a job on `device` (in Node or in the page): one pass, one submit, then the reads. */
export async function executeJob(device: GPUDevice, kernels: KernelSet, spec: JobSpec): Promise<number[][]> {
  const buffers = spec.buffers.map((b) => {
    switch (b.kind) {
      case 'f32':
        return createStorage(device, Float32Array.from(b.data));
      case 'f16':
        return markHalf(createStorage(device, packHalves(Float32Array.from(b.data))));
      case 'i32':
        return createStorage(device, Int32Array.from(b.data));
      case 'u32':
        return createStorage(device, Uint32Array.from(b.data));
      case 'zeros':
        return createStorage(device, 4 * b.count);
    }
  });
  const p = new ProgramBuilder(kernels);
  for (const c of spec.calls) {
    const fn = LAUNCHERS[c.fn] as (p: ProgramBuilder, ...args: unknown[]) => void;
    if (!fn) throw new Error(`unknown launcher ${c.fn}`);
    fn(p, ...c.args.map((a) => resolve(a, buffers)));
  }
  const program = p.build();
  const staging = spec.reads.map((r) =>
    device.createBuffer({ size: Math.max(16, Math.ceil((4 * r.count) / 16) * 16), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
  );
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  program.encode(pass);
  pass.end();
  spec.reads.forEach((r, i) => enc.copyBufferToBuffer(buffers[r.buf], 0, staging[i], 0, Math.ceil((4 * r.count) / 4) * 4));
  device.queue.submit([enc.finish()]);
  const out: number[][] = [];
  for (let i = 0; i < staging.length; i++) {
    await staging[i].mapAsync(GPUMapMode.READ);
    out.push(Array.from(new Float32Array(staging[i].getMappedRange(0, 4 * spec.reads[i].count))));
    staging[i].unmap();
  }
  for (const b of [...buffers, ...staging]) b.destroy();
  program.destroy();
  return out;
}
