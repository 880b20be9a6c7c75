// Shared plumbing of the kernel tests: where jobs run (runner.ts), a seeded RNG, and the atol + rtol·|ref|
// comparison that prints the worst mismatches.
import { expect } from 'vitest';
export { kernelRunner, type KernelRunner } from './runner.ts';

/** Deterministic uniform values in [-scale, scale) (mulberry32), already rounded to f32. */
export function randn(count: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Asserts |got - ref| ≤ atol + rtol·|ref| everywhere; on failure the message names the worst elements. */
export function expectClose(got: ArrayLike<number>, ref: ArrayLike<number>, what: string, atol = 1e-5, rtol = 1e-5): void {
  expect(got.length, `${what}: length`).toBe(ref.length);
  let maxErr = 0;
  const bad: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const err = got[i] === ref[i] ? 0 : Math.abs(got[i] - ref[i]); // equal infinities are a match
    maxErr = Math.max(maxErr, Number.isNaN(err) ? Infinity : err);
    const ok = Number.isFinite(ref[i]) ? err <= atol + rtol * Math.abs(ref[i]) : err === 0;
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${got[i]} want ${ref[i]}`);
  }
  expect(bad, `${what}: max |err| ${maxErr.toExponential(2)} (atol ${atol}, rtol ${rtol}); first mismatches`).toEqual([]);
}
