// Buffers made once, by name, and read back. Sizes are rounded up to 16 bytes (vec4 loads and uniform blocks
// both want it). `readBuffer` makes a staging buffer per call: fine for tests, evaluation and one-off reads, never
// inside a training loop — there the loss goes through a ReadbackRing so that a step never awaits its own loss.

/** Usage of every activation/weight buffer: bound as storage, written by the queue, copied out for readback.
 *  A function, not a constant: in Node the GPUBufferUsage global exists only once Dawn is set up. */
export const storageUsage = (): number => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

const pad16 = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);

/** A storage buffer of `bytes` (zero-filled), or holding `data`. */
export function createStorage(device: GPUDevice, init: number | ArrayBufferView): GPUBuffer {
  if (typeof init === 'number') return device.createBuffer({ size: pad16(init), usage: storageUsage() });
  const buffer = device.createBuffer({ size: pad16(init.byteLength), usage: storageUsage(), mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(init.buffer, init.byteOffset, init.byteLength));
  buffer.unmap();
  return buffer;
}

/** A uniform buffer holding `data` (rewrite it with queue.writeBuffer when per-step values change). */
export function createUniform(device: GPUDevice, data: ArrayBufferView): GPUBuffer {
  const buffer = device.createBuffer({ size: pad16(data.byteLength), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

/** Buffers allocated once and kept by name (also their GPU label), so messages can say which one is which. */
export class NamedBuffers {
  private readonly byName = new Map<string, GPUBuffer>();
  constructor(private readonly device: GPUDevice) {}

  storage(name: string, init: number | ArrayBufferView): GPUBuffer {
    return this.add(name, createStorage(this.device, init));
  }

  uniform(name: string, data: ArrayBufferView): GPUBuffer {
    return this.add(name, createUniform(this.device, data));
  }

  get(name: string): GPUBuffer {
    const b = this.byName.get(name);
    if (!b) throw new Error(`no buffer named ${name}`);
    return b;
  }

  destroy(): void {
    for (const b of this.byName.values()) b.destroy();
    this.byName.clear();
  }

  private add(name: string, b: GPUBuffer): GPUBuffer {
    if (this.byName.has(name)) throw new Error(`buffer ${name} already exists`);
    b.label = name;
    this.byName.set(name, b);
    return b;
  }
}

/** Copies `bytes` of `src` (from `offset`, both multiples of 4) to a fresh staging buffer and maps it. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes: number, offset = 0): Promise<ArrayBuffer> {
  const size = Math.ceil(bytes / 4) * 4;
  const staging = device.createBuffer({ size: Math.max(4, size), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, offset, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange(0, size).slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return out;
}

export async function readF32(device: GPUDevice, src: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, src, 4 * count, 4 * offset));
}

/**
 * N MAP_READ staging buffers used in turn. A step records a copy of its loss into a free slot, submits, and calls
 * `afterSubmit()`, which starts mapping and returns a promise of the bytes: the step does not await it, the next
 * steps run while the map completes. When every slot is still in flight `record` returns false and that step's
 * value is simply not read (or the caller awaits `flush()` first).
 */
export class ReadbackRing {
  private readonly slots: GPUBuffer[];
  private readonly busy: boolean[];
  private readonly pending = new Set<Promise<ArrayBuffer>>();
  private recorded = -1; // slot holding a copy that has not been submitted yet
  private next = 0;

  constructor(
    device: GPUDevice,
    readonly bytes: number, // per slot, a multiple of 4
    count = 3,
  ) {
    if (bytes % 4 !== 0) throw new Error(`ReadbackRing: bytes=${bytes} must be a multiple of 4 (copyBufferToBuffer)`);
    this.slots = Array.from({ length: count }, () =>
      device.createBuffer({ size: Math.max(4, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    );
    this.busy = this.slots.map(() => false);
  }

  /** Slots currently recorded or mapping. */
  get inFlight(): number {
    return this.busy.filter(Boolean).length;
  }

  /** Encodes src[srcOffset, srcOffset + bytes) → a free slot. False when all slots are in flight. */
  record(enc: GPUCommandEncoder, src: GPUBuffer, srcOffset = 0): boolean {
    if (this.recorded >= 0) throw new Error('ReadbackRing: call afterSubmit() before recording the next copy');
    for (let t = 0; t < this.slots.length; t++) {
      const i = (this.next + t) % this.slots.length;
      if (this.busy[i]) continue;
      enc.copyBufferToBuffer(src, srcOffset, this.slots[i], 0, this.bytes);
      this.busy[i] = true;
      this.recorded = i;
      this.next = (i + 1) % this.slots.length;
      return true;
    }
    return false;
  }

  /** After queue.submit of the encoder given to `record`: maps that slot. Null when nothing was recorded. */
  afterSubmit(): Promise<ArrayBuffer> | null {
    const i = this.recorded;
    if (i < 0) return null;
    this.recorded = -1;
    const slot = this.slots[i];
    const done = slot.mapAsync(GPUMapMode.READ).then(
      () => {
        const data = slot.getMappedRange(0, this.bytes).slice(0);
        slot.unmap();
        return data;
      },
    ).finally(() => {
      this.busy[i] = false;
      this.pending.delete(done);
    });
    this.pending.add(done);
    return done;
  }

  /** Resolves when every submitted readback has landed (errors are left to whoever holds those promises). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  destroy(): void {
    for (const s of this.slots) s.destroy();
  }
}
