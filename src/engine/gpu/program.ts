// A recorded sequence of compute dispatches — one training step, one forward — built once per shape and replayed
// every step: its uniform buffers and bind groups are created when the program is built, never inside the loop.
// Kernels are compiled up front (createComputePipelineAsync) into a KernelSet.
// Launchers bind buffers by the WGSL variable's name, each with the size its shape needs; recording a dispatch
// checks the names against the kernel's declarations and the sizes against the buffers, so a shape mistake is an
// error naming the binding instead of wrong numbers. The check runs once, when the program is recorded, not per step.
import { getPipeline } from './pipeline-cache.ts';

export interface KernelSource {
  name: string;
  code: string; // WGSL; binding 0 is a uniform block of u32 words (floats are bitcast), storage buffers from 1
  entryPoint?: string; // default 'main'
  constants?: Record<string, number>; // WGSL `override` values
}

/** A buffer for one named binding and what the launcher's shape needs of it: `values` of `bytesPerValue` bytes. */
export interface Binding {
  buffer: GPUBuffer;
  values: number;
  bytesPerValue: number;
}

/** A binding of `values` 4-byte values (f32, i32, u32). Where the extent depends on data (a table indexed by token
 *  ids, a cache indexed by the step), `values` is what the shape alone fixes, e.g. one row. */
export const sized = (buffer: GPUBuffer, values: number, bytesPerValue = 4): Binding => ({ buffer, values, bytesPerValue });

/** The storage bindings a kernel's WGSL declares in group 0, by variable name (binding 0 is the uniform block). */
export function declaredBindings(code: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of code.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var<\s*storage[^>]*>\s*(\w+)\s*:/g)) out.set(m[2], Number(m[1]));
  return out;
}

export class KernelSet {
  private constructor(
    readonly device: GPUDevice,
    private readonly pipelines: Map<string, GPUComputePipeline>,
    private readonly declared: Map<string, Map<string, number>>,
  ) {}

  /** Compiles every source up front; identical sources share one pipeline per device (pipeline-cache.ts). */
  static async compile(device: GPUDevice, sources: KernelSource[]): Promise<KernelSet> {
    const entries = await Promise.all(
      sources.map(async (s): Promise<[string, GPUComputePipeline]> => {
        try {
          return [s.name, await getPipeline(device, s)];
        } catch (e) {
          throw new Error(`kernel ${s.name}: ${(e as Error).message}`, { cause: e });
        }
      }),
    );
    return new KernelSet(device, new Map(entries), new Map(sources.map((s) => [s.name, declaredBindings(s.code)])));
  }

  has(name: string): boolean {
    return this.pipelines.has(name);
  }

  pipeline(name: string): GPUComputePipeline {
    const p = this.pipelines.get(name);
    if (!p) throw new Error(`kernel ${name} was not compiled`);
    return p;
  }

  /** The bind group entries for `bindings`, after checking them against the kernel's WGSL: every declared storage
   *  binding given by name, no other, each buffer at least as large as the shape needs. */
  entries(kernel: string, bindings: Record<string, Binding>): GPUBindGroupEntry[] {
    const declared = this.declared.get(kernel);
    if (!declared) throw new Error(`kernel ${kernel} was not compiled`);
    const names = [...declared.keys()].join(', ');
    for (const name of Object.keys(bindings))
      if (!declared.has(name)) throw new Error(`kernel ${kernel} has no binding named ${name} (it declares ${names})`);
    return [...declared].map(([name, binding]) => {
      const b = bindings[name];
      if (!b) throw new Error(`kernel ${kernel}: binding ${name} (@binding(${binding})) was not given (it declares ${names})`);
      const need = b.values * b.bytesPerValue;
      if (b.buffer.size < need)
        throw new Error(
          `kernel ${kernel}: binding ${name} (@binding(${binding})) holds ${b.buffer.size} bytes but the shape needs ` +
            `${b.values} values × ${b.bytesPerValue} bytes = ${need} bytes`,
        );
      return { binding, resource: { buffer: b.buffer } };
    });
  }
}

interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number, number];
  /** Kernel name and uniform words, kept for the profiler's per-kernel and per-shape totals. */
  label: DispatchLabel;
}

/** What a profiled dispatch was: its kernel and the uniform words it ran with (floats as their values). */
export interface DispatchLabel {
  kernel: string;
  words: number[];
}

/** Uniform words: integers as u32; use `f32(x)` for floats (bitcast in WGSL). */
export type Word = number | { f32: number };
export const f32 = (x: number): Word => ({ f32: x });

const MAX_GROUPS = 65535;

/** Workgroups for n invocations of a 1-D kernel of `workgroupSize` (its WGSL @workgroup_size), folded into 2-D
 *  when n exceeds the per-dimension limit. */
export function grid(n: number, workgroupSize: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / workgroupSize));
  if (groups <= MAX_GROUPS) return [groups, 1, 1];
  return [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS), 1];
}

export class ProgramBuilder {
  private readonly dispatches: Dispatch[] = [];
  private readonly owned: GPUBuffer[] = [];

  constructor(private readonly kernels: KernelSet) {}

  /** Whether the kernel set holds `kernel` (launchers with adapter-chosen variants ask). */
  has(kernel: string): boolean {
    return this.kernels.has(kernel);
  }

  /** Records one dispatch; `bindings` by WGSL variable name, checked here (KernelSet.entries). */
  dispatch(kernel: string, words: Word[], bindings: Record<string, Binding>, groups: [number, number, number]): void {
    const device = this.kernels.device;
    const pipeline = this.kernels.pipeline(kernel);
    const entries = this.kernels.entries(kernel, bindings);
    const data = new ArrayBuffer(Math.max(16, Math.ceil((words.length * 4) / 16) * 16));
    const u32 = new Uint32Array(data);
    const f = new Float32Array(data);
    words.forEach((w, i) => {
      if (typeof w === 'number') u32[i] = w >>> 0;
      else f[i] = w.f32;
    });
    const uniform = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(uniform, 0, data);
    this.owned.push(uniform);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: uniform } }, ...entries],
    });
    this.dispatches.push({ pipeline, bindGroup, groups, label: { kernel, words: words.map((w) => (typeof w === 'number' ? w : w.f32)) } });
  }

  build(): Program {
    return new Program(this.dispatches, this.owned);
  }
}

export class Program {
  constructor(
    private readonly dispatches: Dispatch[],
    private readonly owned: GPUBuffer[],
  ) {}

  get dispatchCount(): number {
    return this.dispatches.length;
  }

  get labels(): DispatchLabel[] {
    return this.dispatches.map((d) => d.label);
  }

  encode(pass: GPUComputePassEncoder): void {
    for (const d of this.dispatches) {
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2]);
    }
  }

  /** Profiling only: one compute pass per dispatch, each writing begin/end timestamps into `querySet` at
   *  2i, 2i + 1 (timestamps are per pass, not per dispatch, in core WebGPU). Passes in one encoder run in order, as
   *  the dispatches of one pass do, so the results are the same; the extra pass boundaries cost a little time. */
  encodeTimed(enc: GPUCommandEncoder, querySet: GPUQuerySet): void {
    this.dispatches.forEach((d, i) => {
      const pass = enc.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2]);
      pass.end();
    });
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
  }
}

/** Linear invocation index for kernels dispatched with grid(): WGSL snippet. */
export const LINEAR_ID = /* wgsl */ `
fn linearId(gid: vec3u, nwg: vec3u, wg: u32) -> u32 { return gid.x + gid.y * nwg.x * wg; }`;
