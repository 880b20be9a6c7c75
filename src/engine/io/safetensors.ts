// safetensors: 8-byte little-endian header length N, N bytes of JSON header
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}), then the data, each tensor at
// data_offsets relative to byte 8 + N. Everything the header claims is checked against the file before any
// tensor is read, so a truncated or corrupt download gets a sentence, never a crash or a hang.
import type { Tensor } from '../model/weights.ts';

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

type Dtype = 'F32' | 'F16' | 'BF16';
const BYTES: Record<Dtype, number> = { F32: 4, F16: 2, BF16: 2 };
const MAX_HEADER = 100 * 1024 * 1024; // the format's own limit

interface Entry {
  dtype: Dtype;
  shape: number[];
  begin: number; // absolute byte offset in the file
  end: number;
}

export interface SafetensorsFile {
  names(): string[];
  /** The tensor widened to f32 (F16/BF16 exactly). */
  tensor(name: string): Tensor;
  shape(name: string): number[];
  metadata: Record<string, string>;
}

const AGAIN = 'download or export it again';

export function parseSafetensors(input: ArrayBuffer | Uint8Array): SafetensorsFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteLength < 8) throw new SafetensorsError(`file is ${bytes.byteLength} bytes, too short to be safetensors; ${AGAIN}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > MAX_HEADER || 8 + headerLen > bytes.byteLength)
    throw new SafetensorsError(`file is truncated or not safetensors: header says ${headerLen} bytes but the file has ${bytes.byteLength}; ${AGAIN}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  } catch (e) {
    throw new SafetensorsError(`header is not valid JSON (${(e as Error).message}); the file is corrupt, ${AGAIN}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError(`header is not a JSON object; ${AGAIN}`);
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const entries = new Map<string, Entry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e.dtype !== 'F32' && e.dtype !== 'F16' && e.dtype !== 'BF16')
      throw new SafetensorsError(`tensor ${name} has dtype ${String(e.dtype)}; supported: F32, F16, BF16`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new SafetensorsError(`tensor ${name} has an invalid shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isInteger(o) && o >= 0) || off[1] < off[0])
      throw new SafetensorsError(`tensor ${name} has invalid data_offsets ${JSON.stringify(off)}`);
    const [b, en] = off as [number, number];
    if (en > dataLen)
      throw new SafetensorsError(`file is truncated: tensor ${name} ends at byte ${dataStart + en} but the file has ${bytes.byteLength}; ${AGAIN}`);
    const count = (e.shape as number[]).reduce((a, d) => a * d, 1);
    if (en - b !== count * BYTES[e.dtype])
      throw new SafetensorsError(`tensor ${name}: shape ${JSON.stringify(e.shape)} × ${e.dtype} needs ${count * BYTES[e.dtype]} bytes but data_offsets span ${en - b}`);
    entries.set(name, { dtype: e.dtype, shape: e.shape as number[], begin: dataStart + b, end: dataStart + en });
  }
  return {
    metadata,
    names: () => [...entries.keys()],
    shape(name) {
      const e = entries.get(name);
      if (!e) throw new SafetensorsError(`no tensor named ${name}`);
      return [...e.shape];
    },
    tensor(name) {
      const e = entries.get(name);
      if (!e) throw new SafetensorsError(`no tensor named ${name}`);
      const n = (e.end - e.begin) / BYTES[e.dtype];
      const out = new Float32Array(n);
      const dv = new DataView(bytes.buffer, bytes.byteOffset + e.begin, e.end - e.begin);
      if (e.dtype === 'F32') for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
      else if (e.dtype === 'BF16') {
        const u = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) u[i] = dv.getUint16(2 * i, true) << 16;
      } else for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
      return { shape: [...e.shape], data: out };
    },
  };
}

/** IEEE binary16 → number, exact. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** F32 safetensors bytes: keys sorted, `__metadata__` {format: "pt"}, header padded with spaces to 8 bytes. */
export function writeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const count = t.shape.reduce((a, d) => a * d, 1);
    if (count !== t.data.length) throw new SafetensorsError(`tensor ${name}: shape ${JSON.stringify(t.shape)} does not match ${t.data.length} values`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  const dv = new DataView(out.buffer);
  for (const name of names) {
    for (const v of tensors[name].data) {
      dv.setFloat32(at, v, true);
      at += 4;
    }
  }
  return out;
}
