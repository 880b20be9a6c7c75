import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultGoldenDir } from '../../../cli/golden-case.ts';
import { parseSafetensors, SafetensorsError, writeSafetensors } from '../../../src/engine/io/safetensors.ts';
import { Rng } from '../../../src/tuning/random.ts';

// The reader and writer against files Python's safetensors wrote (the golden fixtures), against Node Buffers
// (views into a shared pool, where Buffer#slice does not copy), and against random corruption.
const golden = (file: string) => readFileSync(join(defaultGoldenDir(), file));

describe('safetensors interop', () => {
  it('re-writing a file written by Python safetensors gives it back byte for byte', () => {
    for (const file of ['gpt2-prompt/case.safetensors', 'llama-prompt/model.safetensors']) {
      const original = golden(file);
      const f = parseSafetensors(original);
      const again = writeSafetensors(Object.fromEntries(f.names().map((n) => [n, f.tensor(n)])));
      expect(Buffer.compare(Buffer.from(again), original), file).toBe(0);
    }
  });

  it('reads a Node Buffer that is an unaligned view into a larger pool', () => {
    const bytes = writeSafetensors({ a: { shape: [3], data: Float32Array.from([1, 2, 3]) }, b: { shape: [2], data: Float32Array.from([4, 5]) } });
    const pool = new Uint8Array(bytes.length + 13).fill(0xab);
    pool.set(bytes, 5);
    const f = parseSafetensors(Buffer.from(pool.buffer, 5, bytes.length));
    expect([...f.tensor('a').data]).toEqual([1, 2, 3]);
    expect([...f.tensor('b').data]).toEqual([4, 5]);
    expect(f.tensor('b').data.buffer.byteLength).toBe(8); // a copy of the tensor, not the pool
  });

  it('BF16 fixture weights widen to the values the reference was computed from', () => {
    const f = parseSafetensors(golden('llama-bf16-prompt/model.safetensors'));
    const name = 'model.embed_tokens.weight';
    expect(f.header[name].dtype).toBe('BF16');
    const t = f.tensor(name);
    // Every widened value has zero low 16 bits and equals the stored upper half shifted up.
    const raw = golden('llama-bf16-prompt/model.safetensors');
    const start = 8 + Number(raw.readBigUInt64LE(0)) + f.header[name].data_offsets[0];
    const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
    for (let i = 0; i < t.data.length; i++) if (bits[i] !== (raw.readUInt16LE(start + 2 * i) << 16) >>> 0) expect.fail(`element ${i}`);
  });

  it('random garbage and random corruptions never escape as anything but SafetensorsError', () => {
    const good = writeSafetensors({ w: { shape: [4, 4], data: new Float32Array(16).fill(1) }, b: { shape: [4], data: new Float32Array(4) } });
    const rng = new Rng(7);
    let parsed = 0;
    for (let trial = 0; trial < 600; trial++) {
      let bytes: Uint8Array;
      if (trial % 3 === 0) bytes = Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
      else {
        bytes = good.slice(0, good.length - (trial % 3 === 1 ? 0 : rng.int(good.length)));
        for (let k = 0, n = 1 + rng.int(4); k < n; k++) if (bytes.length) bytes[rng.int(bytes.length)] = rng.int(256);
      }
      try {
        const f = parseSafetensors(bytes);
        for (const n of f.names()) expect(f.tensor(n).data.length).toBe(f.shape(n).reduce((a, d) => a * d, 1));
        parsed++;
      } catch (e) {
        if (!(e instanceof SafetensorsError)) expect.fail(`trial ${trial}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    expect(parsed).toBeGreaterThan(0); // corrupt data bytes (not header bytes) still parse
  });
});
