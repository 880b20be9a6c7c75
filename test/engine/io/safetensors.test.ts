import { describe, expect, it } from 'vitest';
import { parseSafetensors, SafetensorsError, writeSafetensors } from '../../../src/engine/io/safetensors.ts';
import type { Tensor } from '../../../src/engine/model/weights.ts';

// The safetensors reader must round-trip the writer, widen BF16/F16 exactly, and turn every corrupt or truncated
// file into a SafetensorsError with a sentence (never a TypeError, a RangeError or a hang).

const enc = new TextEncoder();

/** A file from a hand-written header object and raw data bytes (no validation: that is what is tested). */
function rawFile(header: unknown, data: Uint8Array, headerLenOverride?: bigint): Uint8Array {
  const json = enc.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLenOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectError(bytes: Uint8Array, pattern: RegExp): SafetensorsError {
  let caught: unknown;
  try {
    const f = parseSafetensors(bytes);
    for (const n of f.names()) f.tensor(n);
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a SafetensorsError').toBeInstanceOf(SafetensorsError);
  expect((caught as Error).message).toMatch(pattern);
  return caught as SafetensorsError;
}

function sample(): Record<string, Tensor> {
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const t = (shape: number[]): Tensor => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rnd) });
  return { 'z.last': t([3, 5]), 'a.first': t([7]), scalar: t([]), 'm.cube': t([2, 3, 4]), empty: t([0, 4]) };
}

describe('writeSafetensors → parseSafetensors', () => {
  it('round-trips names, shapes, values and metadata', () => {
    const tensors = sample();
    tensors['a.first'].data[0] = -0;
    tensors['a.first'].data[1] = 3.4028234663852886e38;
    tensors['a.first'].data[2] = 1.401298464324817e-45; // smallest subnormal
    const bytes = writeSafetensors(tensors, { note: 'x' });
    const f = parseSafetensors(bytes);
    expect(f.names().sort()).toEqual(Object.keys(tensors).sort());
    expect(f.metadata).toEqual({ format: 'pt', note: 'x' });
    for (const [name, t] of Object.entries(tensors)) {
      const got = f.tensor(name);
      expect(got.shape).toEqual(t.shape);
      expect(new Uint32Array(got.data.buffer, got.data.byteOffset, got.data.length)).toEqual(new Uint32Array(t.data.buffer));
    }
    // An ArrayBuffer and an unaligned Uint8Array view read the same.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(parseSafetensors(shifted.subarray(3)).tensor('z.last').data).toEqual(tensors['z.last'].data);
    expect(parseSafetensors(bytes.slice().buffer).tensor('m.cube').data).toEqual(tensors['m.cube'].data);
  });

  it('writes the layout PyTorch writes: sorted keys, format pt, space padding to 8, contiguous offsets', () => {
    const bytes = writeSafetensors(sample());
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeLessThan(n + 1);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    const header = JSON.parse(text) as Record<string, { data_offsets: [number, number]; dtype: string }>;
    expect(header.__metadata__).toEqual({ format: 'pt' });
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    expect(names).toEqual([...names].sort());
    let at = 0;
    for (const k of names) {
      expect(header[k].dtype).toBe('F32');
      expect(header[k].data_offsets[0]).toBe(at);
      at = header[k].data_offsets[1];
    }
    expect(8 + n + at).toBe(bytes.length);
  });

  it('rejects a tensor whose data does not match its shape', () => {
    expect(() => writeSafetensors({ x: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(SafetensorsError);
  });
});

describe('BF16 and F16 are widened exactly', () => {
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const file = (dtype: string) =>
    rawFile({ x: { dtype, shape: [65536], data_offsets: [0, 131072] } }, new Uint8Array(all.buffer.slice(0)));

  it('BF16: every bit pattern becomes the f32 with those upper 16 bits', () => {
    const got = parseSafetensors(file('BF16')).tensor('x').data;
    const bits = new Uint32Array(got.buffer, got.byteOffset, got.length);
    for (let i = 0; i < 65536; i++) if (bits[i] !== i << 16 >>> 0) expect.fail(`bf16 0x${i.toString(16)} → 0x${bits[i].toString(16)}`);
  });

  it('F16: anchors, exact f32 values, strictly increasing magnitudes, specials', () => {
    const v = parseSafetensors(file('F16')).tensor('x').data;
    const anchors: [number, number][] = [
      [0x0000, 0], [0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x7bff, 65504],
      [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14], [0x7c00, Infinity], [0xfc00, -Infinity],
    ];
    for (const [h, want] of anchors) expect(v[h], `0x${h.toString(16)}`).toBe(want);
    expect(Object.is(v[0x8000], -0)).toBe(true);
    expect(Number.isNaN(v[0x7e00]) && Number.isNaN(v[0xfe01])).toBe(true);
    // Every positive finite half is larger than the one before, and its negation is the sign-flipped pattern.
    for (let h = 1; h < 0x7c00; h++) {
      if (!(v[h] > v[h - 1])) expect.fail(`0x${h.toString(16)} not increasing`);
      if (v[h | 0x8000] !== -v[h]) expect.fail(`0x${(h | 0x8000).toString(16)} is not -value`);
    }
    // Consecutive halves of one binade differ by the binade's ulp, 2^(e-25) (subnormals: 2^-24).
    for (let h = 1; h < 0x7c00; h++) {
      const e = h >> 10;
      const ulp = 2 ** (Math.max(e, 1) - 25);
      if (h % 1024 !== 0 && v[h] - v[h - 1] !== ulp) expect.fail(`0x${h.toString(16)} step ${v[h] - v[h - 1]} ≠ ${ulp}`);
    }
  });
});

describe('corrupt files give a SafetensorsError that says what is wrong', () => {
  const good = writeSafetensors(sample());

  it('every truncation of a valid file is reported, none crashes', () => {
    for (let len = 0; len < good.length; len++) expectError(good.subarray(0, len), /truncated|too short|header|JSON/i);
    expectError(good.subarray(0, good.length - 1), /truncated/);
    expectError(good.subarray(0, 4), /too short/);
  });

  it('a header length past the end of the file', () => {
    const f = rawFile({ __metadata__: { format: 'pt' } }, new Uint8Array(0), 5000n);
    expectError(f, new RegExp(`header says 5000 bytes but the file has .*${f.length}`));
    expectError(rawFile({}, new Uint8Array(0), 2n ** 62n), /header/);
  });

  it('garbage JSON, invalid UTF-8, and JSON that is not an object', () => {
    expectError(rawFile('{"x": {"dtype": "F32", ', new Uint8Array(0)), /JSON/);
    const bad = rawFile('{"x"}', new Uint8Array(0));
    bad[9] = 0xff;
    expectError(bad, /JSON|UTF/i);
    expectError(rawFile('[1, 2]', new Uint8Array(0)), /object/);
    expectError(rawFile('null', new Uint8Array(0)), /object/);
    expectError(rawFile({ x: null }, new Uint8Array(0)), /x/);
    expectError(rawFile({ x: 'F32' }, new Uint8Array(0)), /x/);
    expectError(rawFile({ __metadata__: [1] }, new Uint8Array(0)), /metadata/);
  });

  it('offsets out of range, inconsistent with shape × dtype, overlapping or malformed', () => {
    const data = new Uint8Array(16);
    expectError(rawFile({ x: { dtype: 'F32', shape: [8], data_offsets: [0, 32] } }, data), /x.*truncated|truncated.*x/);
    expectError(rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 12] } }, data), /x.*8 bytes.*12/);
    expectError(rawFile({ x: { dtype: 'BF16', shape: [3], data_offsets: [0, 8] } }, data), /x/);
    expectError(rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, data), /data_offsets/);
    expectError(rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [-8, 0] } }, data), /data_offsets/);
    expectError(rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0.5, 8.5] } }, data), /data_offsets/);
    expectError(rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0] } }, data), /data_offsets/);
    expectError(rawFile({ x: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data), /shape/);
    expectError(rawFile({ x: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }, data), /shape/);
    expectError(
      rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, data),
      /overlap/,
    );
  });

  it('an unsupported dtype names the tensor, the dtype and what to do', () => {
    const e = expectError(rawFile({ 'w.q': { dtype: 'I8', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(4)), /w\.q.*I8/);
    expect(e.message).toMatch(/F32/);
  });

  it('asking for a tensor the file does not have', () => {
    expect(() => parseSafetensors(good).tensor('nope')).toThrow(/nope/);
  });
});
