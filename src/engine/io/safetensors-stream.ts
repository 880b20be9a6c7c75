// safetensors read from a byte stream (a response body, a cached response, a picked File) without holding the
// file: the header first, then each tensor's bytes in data order, handed to the caller one tensor at a time.
// The header is validated exactly as parseSafetensors does (against the file size when the source knows it).
import { headerLength, parseHeader, SafetensorsError, type SafetensorsEntry } from './safetensors.ts';

/** Reads exact byte counts from a stream of chunks. */
export class ByteReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  /** Bytes consumed so far. */
  position = 0;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  private async more(): Promise<boolean> {
    const { done, value } = await this.reader.read();
    if (done) return false;
    this.chunk = value;
    this.at = 0;
    return true;
  }

  /** Exactly n bytes in a new buffer (aligned: offset 0); throws when the stream ends first. */
  async read(n: number, what: string): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.at >= this.chunk.byteLength && !(await this.more()))
        throw new SafetensorsError(`file is truncated: it ended ${n - filled} bytes into ${what}; download or export it again`);
      const take = Math.min(n - filled, this.chunk.byteLength - this.at);
      out.set(this.chunk.subarray(this.at, this.at + take), filled);
      this.at += take;
      filled += take;
    }
    this.position += n;
    return out;
  }

  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.at >= this.chunk.byteLength && !(await this.more()))
        throw new SafetensorsError(`file is truncated: it ended ${left} bytes before the end of ${what}; download or export it again`);
      const take = Math.min(left, this.chunk.byteLength - this.at);
      this.at += take;
      left -= take;
    }
    this.position += n;
  }

  /** Reads to the end of the stream (so that progress reaches the file's size), discarding what is left. */
  async drain(): Promise<void> {
    this.at = this.chunk.byteLength;
    while (await this.more()) this.at = this.chunk.byteLength;
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}

export interface SafetensorsStream {
  header: Record<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /**
   * Visits the tensors in data order. `want(name)` false: the bytes are skipped, never held. `onTensor` gets a
   * fresh buffer of the tensor's bytes; it may keep it. Called once.
   */
  tensors(want: (name: string) => boolean, onTensor: (name: string, entry: SafetensorsEntry, bytes: Uint8Array) => void | Promise<void>): Promise<void>;
  cancel(): Promise<void>;
}

/** Reads the header of a safetensors stream of `size` bytes (null: unknown); the tensors follow on demand. */
export async function openSafetensorsStream(body: ReadableStream<Uint8Array>, size: number | null): Promise<SafetensorsStream> {
  const r = new ByteReader(body);
  const headerLen = headerLength(await r.read(8, 'the header length'), size);
  const dataStart = 8 + headerLen;
  const { header, metadata } = parseHeader(await r.read(headerLen, 'the header'), size === null ? Infinity : size - dataStart);
  return {
    header,
    metadata,
    async tensors(want, onTensor) {
      const order = Object.entries(header).sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
      for (const [name, entry] of order) {
        const [begin, end] = entry.data_offsets;
        const here = r.position - dataStart;
        if (begin > here) await r.skip(begin - here, `the gap before ${name}`);
        if (want(name)) await onTensor(name, entry, await r.read(end - begin, `tensor ${name}`));
        else await r.skip(end - begin, `tensor ${name}`);
      }
      await r.drain();
    },
    cancel: () => r.cancel(),
  };
}
