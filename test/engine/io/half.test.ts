import { describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat, packHalves } from '../../../src/engine/io/safetensors.ts';

// f32 → f16 conversion of the f16 weight storage (model/gpu-buffers.ts): exact on every half value, round to
// nearest with ties to even between neighbours, overflow to ±∞ past 65504's rounding range, underflow to ±0.
const nextUp = (x: number) => {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0] += x >= 0 ? 1 : -1;
  return f[0];
};
const nextDown = (x: number) => {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0] += x > 0 ? -1 : 1;
  return f[0];
};

describe('float16 conversion', () => {
  it('round-trips all 65536 half values (NaNs stay NaN)', () => {
    let bad = 0;
    for (let h = 0; h < 0x10000; h++) {
      const x = halfToFloat(h);
      const back = floatToHalf(x);
      if (Number.isNaN(x) ? !Number.isNaN(halfToFloat(back)) : back !== h) bad++;
    }
    expect(bad).toBe(0);
  });

  it('rounds to nearest, ties to even, between every pair of neighbouring halves of both signs', () => {
    let bad = 0;
    for (let h = 0; h < 0x7c00; h++) {
      for (const sign of [0, 0x8000]) {
        const a = halfToFloat(sign | h);
        const b = halfToFloat(sign | (h + 1)); // 0x7bff + 1 = Infinity: the overflow threshold is this midpoint too
        const mid = Number.isFinite(b) ? (a + b) / 2 : Math.sign(a) * 65520;
        expect(Math.fround(mid)).toBe(mid); // every midpoint is an f32
        const even = h % 2 === 0 ? sign | h : sign | (h + 1);
        if (floatToHalf(mid) !== even) bad++;
        const towardA = Math.abs(nextDown(Math.abs(mid))) * Math.sign(mid || (sign ? -1 : 1));
        const towardB = Math.abs(nextUp(Math.abs(mid))) * Math.sign(mid || (sign ? -1 : 1));
        if (floatToHalf(towardA) !== (sign | h)) bad++;
        if (floatToHalf(towardB) !== (sign | (h + 1))) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('handles the ends of the range', () => {
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(65519.99)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00); // the tie with the next (odd → even) "value" 65536 = ∞
    expect(floatToHalf(1e10)).toBe(0x7c00);
    expect(floatToHalf(-1e10)).toBe(0xfc00);
    expect(floatToHalf(Infinity)).toBe(0x7c00);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
    expect(floatToHalf(2 ** -24)).toBe(1); // smallest subnormal
    expect(floatToHalf(2 ** -25)).toBe(0); // tie between 0 and 2^-24: even is 0
    expect(floatToHalf(nextUp(2 ** -25))).toBe(1);
    expect(floatToHalf(3 * 2 ** -25)).toBe(2); // tie between 1 and 2 ulps: even is 2
    expect(floatToHalf(1e-30)).toBe(0);
    expect(floatToHalf(-1e-30)).toBe(0x8000);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie above 1: even is 1
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 1+2^-10 (odd) and 1+2^-9: even
  });

  it('packs two halves per little-endian u32 word, padded to whole words', () => {
    const h = packHalves(Float32Array.from([1, -2, 0.5]));
    expect(Array.from(h)).toEqual([0x3c00, 0xc000, 0x3800, 0]);
    expect(new Uint32Array(h.buffer)[0]).toBe(0xc0003c00);
  });
});
