// GPU time per dispatch, for profiling (cli/profile.ts): a program recorded with one compute pass per dispatch,
// each pass writing begin/end timestamps (the `timestamp-query` feature), resolved and read back after the submit.
// Not used in training: the per-dispatch passes and the extra readback would cost time there.
import type { DispatchLabel, Program } from './program.ts';

export interface TimedDispatch extends DispatchLabel {
  ms: number; // GPU time between the pass's begin and end timestamps
}

export class DispatchTimer {
  private labels: DispatchLabel[] = [];

  private constructor(
    private readonly querySet: GPUQuerySet,
    private readonly resolve: GPUBuffer,
    private readonly read: GPUBuffer,
    readonly capacity: number,
  ) {}

  /** Null when the device was created without `timestamp-query` (device.ts asks for it whenever offered). */
  static create(device: GPUDevice, maxDispatches = 1024): DispatchTimer | null {
    if (!device.features.has('timestamp-query')) return null;
    const count = 2 * maxDispatches;
    const querySet = device.createQuerySet({ type: 'timestamp', count, label: 'profile timestamps' });
    const resolve = device.createBuffer({ size: 8 * count, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, label: 'profile resolve' });
    const read = device.createBuffer({ size: 8 * count, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'profile read' });
    return new DispatchTimer(querySet, resolve, read, maxDispatches);
  }

  /** Records `program` with a timed pass per dispatch, then the resolve and the copy to the read buffer. */
  record(enc: GPUCommandEncoder, program: Program): void {
    const labels = program.labels;
    if (labels.length > this.capacity) throw new Error(`program has ${labels.length} dispatches; the timer holds ${this.capacity}`);
    program.encodeTimed(enc, this.querySet);
    enc.resolveQuerySet(this.querySet, 0, 2 * labels.length, this.resolve, 0);
    enc.copyBufferToBuffer(this.resolve, 0, this.read, 0, 16 * labels.length);
    this.labels = labels;
  }

  /** The last recorded program's dispatches with their GPU times (awaits its submit). */
  async results(): Promise<TimedDispatch[]> {
    const n = this.labels.length;
    await this.read.mapAsync(GPUMapMode.READ, 0, 16 * n);
    const t = new BigUint64Array(this.read.getMappedRange(0, 16 * n).slice(0));
    this.read.unmap();
    // Nanoseconds; an end before its begin (a wrapped or reset counter) counts as 0 rather than as ~2^64.
    return this.labels.map((l, i) => ({ ...l, ms: t[2 * i + 1] > t[2 * i] ? Number(t[2 * i + 1] - t[2 * i]) / 1e6 : 0 }));
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
    this.read.destroy();
  }
}
