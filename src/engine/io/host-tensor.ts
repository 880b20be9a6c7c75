// Host tensors of a checkpoint loaded by streaming (load-model.ts). A 1B-parameter BF16 model is 2.2 GB as
// halves and 4.4 GB widened to f32, so the host never keeps a widened copy of the model:
// - HalfTensor keeps a tensor's raw F16/BF16 bits and widens on access to `data` (the f32 path of the GPU upload,
//   the float64 reference, vocabulary init, nearest tokens). The widened array is held weakly: repeated access in
//   one task reuses it, and it is collected once no caller holds it.
// - PendingTensor is a tensor whose header has been read but whose bytes have not: the GPU buffers are allocated
//   from its shape, then the stream fills them one tensor at a time (`uploaded`: the bytes went to the GPU and were
//   not kept). Reading `data` of a pending tensor throws PendingDataError: a family loader that transforms tensors
//   at load (GPT-2's Conv1D transposes, Gemma's 1 + w) makes the loader fall back to reading whole tensors first.
import type { Tensor } from '../model/weights.ts';
import { widenHalfBits, type SafetensorsDtype } from './safetensors.ts';

export class PendingDataError extends Error {
  constructor(name: string) {
    super(`tensor ${name} is read from the checkpoint only after the GPU buffers exist`);
    this.name = 'PendingDataError';
  }
}

export class HostTensor implements Tensor {
  private f32: Float32Array | null = null;
  private bits: Uint16Array | null = null;
  private widened: WeakRef<Float32Array> | null = null;
  /** 'pending': header only; 'host': bytes held; 'gpu': uploaded and dropped from the host. */
  state: 'pending' | 'host' | 'gpu' = 'pending';

  constructor(
    readonly name: string,
    readonly shape: number[],
    readonly dtype: SafetensorsDtype,
  ) {}

  get size(): number {
    return this.shape.reduce((a, d) => a * d, 1);
  }

  /** Keeps the tensor's bytes (little-endian, as in the file; `bytes` is owned by the tensor afterwards). */
  fill(bytes: Uint8Array): void {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    if (this.dtype === 'F32') this.f32 = new Float32Array(aligned.buffer, aligned.byteOffset, this.size);
    else this.bits = new Uint16Array(aligned.buffer, aligned.byteOffset, this.size);
    this.state = 'host';
  }

  /** The bytes went to the GPU and are not kept here. */
  release(): void {
    this.f32 = null;
    this.bits = null;
    this.widened = null;
    this.state = 'gpu';
  }

  /** F16/BF16 bits when the tensor holds halves. */
  get halfBits(): Uint16Array | null {
    return this.bits;
  }

  get data(): Float32Array {
    if (this.f32) return this.f32;
    if (this.bits) {
      const cached = this.widened?.deref();
      if (cached) return cached;
      const out = widenHalfBits(this.bits, this.dtype as 'F16' | 'BF16');
      this.widened = new WeakRef(out);
      return out;
    }
    if (this.state === 'gpu') throw new Error(`tensor ${this.name} was streamed to the GPU and is not kept on the host`);
    throw new PendingDataError(this.name);
  }
}

export function isHostTensor(t: Tensor): t is HostTensor {
  return t instanceof HostTensor;
}
