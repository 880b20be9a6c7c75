import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/tuning/random.ts';
import type { RandomSource } from '../../src/tuning/nn/dense.ts';

describe('Rng', () => {
  it('is a RandomSource and repeats exactly for a seed, differs across seeds', () => {
    const a: RandomSource = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xa = Array.from({ length: 20 }, () => a.uniform());
    const xb = Array.from({ length: 20 }, () => b.uniform());
    const xc = Array.from({ length: 20 }, () => c.uniform());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('uniform lies in [0, 1) with mean ≈ 1/2; normal has mean ≈ 0 and variance ≈ 1', () => {
    const r = new Rng(0);
    const n = 20000;
    const u = Array.from({ length: n }, () => r.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(u.reduce((a, b) => a + b, 0) / n - 0.5)).toBeLessThan(0.01);
    const z = Array.from({ length: n }, () => r.normal());
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('int(n) covers 0..n-1 and nothing else', () => {
    const r = new Rng(3);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(5)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('shuffle returns a permutation in a new array and leaves the input alone', () => {
    const r = new Rng(11);
    const input = Array.from({ length: 50 }, (_, i) => i);
    const out = r.shuffle(input);
    expect(out).not.toBe(input);
    expect(input).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...out].sort((x, y) => x - y)).toEqual(input);
    expect(out).not.toEqual(input);
  });

  it('getState / setState resume the same stream', () => {
    const r = new Rng(123);
    for (let i = 0; i < 5; i++) r.uniform();
    const saved = JSON.parse(JSON.stringify(r.getState())) as number[];
    const next = Array.from({ length: 10 }, () => r.uniform());
    const s = new Rng(999);
    s.setState(saved);
    expect(Array.from({ length: 10 }, () => s.uniform())).toEqual(next);
    expect(() => s.setState([])).toThrow(/state/);
  });
});
