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

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';
const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };
/** The format's own limit (the Rust reference rejects larger headers). */
const MAX_HEADER = 100 * 1024 * 1024;

export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data_offsets: [number, number]; // relative to the start of the data area (byte 8 + N)
}

export interface SafetensorsFile {
  /** The parsed, validated header without `__metadata__`. */
  header: Record<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  names(): string[];
  shape(name: string): number[];
  /** The tensor as f32 (F16 and BF16 widened exactly; every value of those types is an f32). */
  tensor(name: string): Tensor;
}

const AGAIN = 'download or export it again';

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function parseEntry(name: string, raw: unknown, dataLen: number): SafetensorsEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new SafetensorsError(`header entry for tensor ${name} is ${describe(raw)}, not an object; the file is corrupt, ${AGAIN}`);
  const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (e.dtype !== 'F32' && e.dtype !== 'F16' && e.dtype !== 'BF16')
    throw new SafetensorsError(
      `tensor ${name} has dtype ${describe(e.dtype)}; supported: F32, F16, BF16. ` +
        'Pick a float32/float16/bfloat16 checkpoint (quantised or integer weights cannot be loaded).',
    );
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new SafetensorsError(`tensor ${name} has an invalid shape ${describe(e.shape)}; the file is corrupt, ${AGAIN}`);
  const off = e.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[1] < off[0])
    throw new SafetensorsError(`tensor ${name} has invalid data_offsets ${describe(off)}; the file is corrupt, ${AGAIN}`);
  const [begin, end] = off as [number, number];
  if (end > dataLen)
    throw new SafetensorsError(
      `file is truncated: tensor ${name} ends at data byte ${end} but the data area has ${dataLen} bytes; ${AGAIN}`,
    );
  const shape = e.shape as number[];
  const bytes = shape.reduce((a, d) => a * d, 1) * BYTES[e.dtype];
  if (end - begin !== bytes)
    throw new SafetensorsError(
      `tensor ${name}: shape [${shape.join(', ')}] × ${e.dtype} needs ${bytes} bytes but data_offsets span ${end - begin}; ` +
        `the file is corrupt, ${AGAIN}`,
    );
  return { dtype: e.dtype, shape, data_offsets: [begin, end] };
}

/** Validates the 8-byte length prefix; returns N, the header's byte length. `fileLen` null: not known yet. */
export function headerLength(prefix: Uint8Array, fileLen: number | null): number {
  if (prefix.byteLength < 8 || (fileLen !== null && fileLen < 8))
    throw new SafetensorsError(`file is ${fileLen ?? prefix.byteLength} bytes, too short to be safetensors; ${AGAIN}`);
  const headerLen = Number(new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true));
  if (headerLen > MAX_HEADER)
    throw new SafetensorsError(
      `not a safetensors file: the first 8 bytes claim a ${headerLen}-byte header (limit ${MAX_HEADER}); ` +
        `is this really a .safetensors file? If so, ${AGAIN}`,
    );
  if (headerLen < 2) throw new SafetensorsError(`header length is ${headerLen} bytes, too short for a JSON object; ${AGAIN}`);
  if (fileLen !== null && 8 + headerLen > fileLen)
    throw new SafetensorsError(
      `file is truncated: header says ${headerLen} bytes but the file has only ${fileLen} bytes in all; ${AGAIN}`,
    );
  return headerLen;
}

/** Parses and validates the JSON header against a data area of `dataLen` bytes (Infinity: not known yet). */
export function parseHeader(json: Uint8Array, dataLen: number): { header: Record<string, SafetensorsEntry>; metadata: Record<string, string> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw new SafetensorsError(`header is not valid JSON (${(e as Error).message}); the file is corrupt, ${AGAIN}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SafetensorsError(`header is ${describe(parsed)}, not a JSON object; the file is corrupt, ${AGAIN}`);
  const header: Record<string, SafetensorsEntry> = {};
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw !== null && (typeof raw !== 'object' || Array.isArray(raw)))
        throw new SafetensorsError(`__metadata__ is ${describe(raw)}, not an object of strings; ${AGAIN}`);
      metadata = { ...((raw ?? {}) as Record<string, string>) };
      continue;
    }
    header[name] = parseEntry(name, raw, dataLen);
  }
  // Tensors must not share bytes: overlapping ranges mean a corrupt header (gaps are tolerated).
  const ranges = Object.entries(header)
    .filter(([, e]) => e.data_offsets[1] > e.data_offsets[0])
    .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  for (let i = 1; i < ranges.length; i++)
    if (ranges[i][1].data_offsets[0] < ranges[i - 1][1].data_offsets[1])
      throw new SafetensorsError(`tensors ${ranges[i - 1][0]} and ${ranges[i][0]} overlap in the data area; the file is corrupt, ${AGAIN}`);
  return { header, metadata };
}

export function parseSafetensors(input: ArrayBuffer | Uint8Array): SafetensorsFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const headerLen = headerLength(bytes, bytes.byteLength);
  const dataStart = 8 + headerLen;
  const { header, metadata } = parseHeader(bytes.subarray(8, dataStart), bytes.byteLength - dataStart);

  const entry = (name: string): SafetensorsEntry => {
    const e = header[name];
    if (!e || !Object.hasOwn(header, name))
      throw new SafetensorsError(`no tensor named ${name} in this file (it has ${Object.keys(header).length} tensors)`);
    return e;
  };
  return {
    header,
    metadata,
    names: () => Object.keys(header),
    shape: (name) => [...entry(name).shape],
    tensor(name) {
      const e = entry(name);
      const [begin, end] = e.data_offsets;
      // Copy the bytes first so typed views are aligned whatever the file's alignment. (Through a plain
      // Uint8Array: Node's Buffer#slice returns a view, not a copy.)
      const raw = new Uint8Array(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin).slice().buffer;
      return { shape: [...e.shape], data: widen(raw, e.dtype) };
    },
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian tensor bytes → f32 values, exactly. */
function widen(raw: ArrayBuffer, dtype: SafetensorsDtype): Float32Array {
  const n = raw.byteLength / BYTES[dtype];
  if (dtype === 'F32' && LITTLE_ENDIAN) return new Float32Array(raw);
  const dv = new DataView(raw);
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  else if (dtype === 'BF16') {
    // bf16 is the upper half of an f32: value = f32_from_bits(u16 << 16).
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
  } else for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
  return out;
}

/** IEEE binary16 bits → number, exact (subnormals, ±Infinity and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const F32_SCRATCH = new Float32Array(1);
const F32_BITS = new Uint32Array(F32_SCRATCH.buffer);

/**
 * number → IEEE binary16 bits, rounding the f32 value of `x` to nearest, ties to even (as a GPU's f32→f16
 * conversion does): beyond ±65504 (after rounding) gives ±Infinity, below the smallest subnormal ±0; NaN stays NaN.
 * Works on the f32 bits because frozen weights arrive as f32 (F16 ones round-trip exactly).
 */
export function floatToHalf(x: number): number {
  F32_SCRATCH[0] = x;
  return f32BitsToHalf(F32_BITS[0]);
}

function f32BitsToHalf(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const e = (b >>> 23) & 0xff;
  const m = b & 0x7fffff;
  if (e === 0xff) return sign | 0x7c00 | (m ? 0x200 | (m >>> 13) : 0); // Inf, or a quiet NaN keeping the top payload
  if (e >= 113) {
    // Normal in f16 unless rounding carries past the largest exponent, which then reads as Infinity (0x7c00).
    if (e > 142) return sign | 0x7c00;
    let h = ((e - 112) << 10) | (m >>> 13);
    const rest = m & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
    return sign | h;
  }
  if (e < 102) return sign; // below half the smallest subnormal (2^-25): ±0
  // f16 subnormal: the 24-bit significand in units of 2^-24 is M · 2^(e-126), i.e. M shifted right by 126 - e.
  const M = m | 0x800000;
  const shift = 126 - e; // 14..24
  let h = M >>> shift;
  const rest = M & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) === 1)) h++; // a carry into 0x400 is the smallest normal: correct
  return sign | h;
}

/** f32 values → binary16 bits (round to nearest even), two to a little-endian u32 word as the GPU reads them. */
export function packHalves(data: Float32Array): Uint16Array {
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint16Array(data.length + (data.length & 1)); // even length: whole u32 words
  for (let i = 0; i < data.length; i++) out[i] = f32BitsToHalf(bits[i]);
  return out;
}

/**
 * F32 safetensors bytes as PyTorch's `safetensors.torch.save_file` writes them: keys sorted, `__metadata__`
 * with format "pt" (plus the given entries), header padded with spaces so the data starts at a multiple of 8.
 */
export function writeSafetensors(
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...metadata } };
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const count = t.shape.reduce((a, d) => a * d, 1);
    if (count !== t.data.length)
      throw new SafetensorsError(`tensor ${name}: shape [${t.shape.join(', ')}] holds ${count} values but ${t.data.length} were given`);
    // Field order as safetensors' own serializer writes it, so files match PyTorch's byte for byte.
    header[name] = { data_offsets: [offset, offset + 4 * count], dtype: 'F32', shape: t.shape };
    offset += 4 * count;
  }
  const enc = new TextEncoder();
  const json = enc.encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen); // spaces
  let at = 8 + headerLen;
  for (const name of names) {
    const data = tensors[name].data;
    for (let i = 0; i < data.length; i++, at += 4) dv.setFloat32(at, data[i], true);
  }
  return out;
}

/**
 * F16 or BF16 bits → binary16 bits as the GPU's half storage reads them (F16 as is; BF16 rounded to nearest even).
 * Returns the index of the first finite value beyond float16's range, or -1, beside the bits.
 */
export function halfBitsFor(bits: Uint16Array, dtype: 'F16' | 'BF16'): { halves: Uint16Array; overflowAt: number } {
  const halves = new Uint16Array(bits.length + (bits.length & 1));
  let overflowAt = -1;
  if (dtype === 'F16') halves.set(bits);
  else
    for (let i = 0; i < bits.length; i++) {
      const b = bits[i];
      const h = f32BitsToHalf(b << 16);
      if (overflowAt < 0 && (h & 0x7c00) === 0x7c00 && (b & 0x7f80) !== 0x7f80) overflowAt = i;
      halves[i] = h;
    }
  return { halves, overflowAt };
}

/** F16 or BF16 bits → f32 values, exactly. */
export function widenHalfBits(bits: Uint16Array, dtype: 'F16' | 'BF16'): Float32Array {
  const out = new Float32Array(bits.length);
  if (dtype === 'BF16') {
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < bits.length; i++) u[i] = bits[i] << 16;
  } else for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]);
  return out;
}
