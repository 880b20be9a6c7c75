import { describe, expect, it } from 'vitest';
import { AdamW, clipGradNorm, learningRateAt } from '../../src/tuning/optim.ts';
import type { TrainConfig } from '../../src/tuning/train-config.ts';

describe('AdamW', () => {
  it('two steps match torch.optim.AdamW computed by hand in float64', () => {
    const hp = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
    const lr = 0.1;
    const opt = new AdamW({ w: 2 }, hp);
    const p = Float32Array.from([1, -2]);
    const g1 = [0.5, 3];
    const g2 = [-0.25, 1];
    opt.step({ w: p }, { w: Float64Array.from(g1) }, lr);
    opt.step({ w: p }, { w: Float64Array.from(g2) }, lr);

    // torch: p *= 1 - lr·wd; m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; p -= lr·(m / (1-β1^t)) / (√(v / (1-β2^t)) + eps)
    // Element 0 spelled out: step 1 → m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, update = 0.1 · 0.5 / (0.5 + 1e-8).
    let p0 = 1 * (1 - 0.001) - (0.1 * 0.5) / (0.5 + 1e-8);
    // step 2 → m = 0.045 - 0.025 = 0.02, v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225, bias corrections 0.19 and 0.001999.
    p0 = p0 * (1 - 0.001) - (0.1 * (0.02 / 0.19)) / (Math.sqrt(0.00031225 / 0.001999) + 1e-8);
    // Element 1: step 1 → m = 0.3, v = 0.009, m̂ = 3, v̂ = 9; step 2 → m = 0.27 + 0.1 = 0.37, v = 0.008991 + 0.001 = 0.009991.
    let p1 = -2 * (1 - 0.001) - (0.1 * 3) / (3 + 1e-8);
    p1 = p1 * (1 - 0.001) - (0.1 * (0.37 / 0.19)) / (Math.sqrt(0.009991 / 0.001999) + 1e-8);
    expect(p[0]).toBeCloseTo(p0, 6);
    expect(p[1]).toBeCloseTo(p1, 6);
    expect(Math.abs(p[0] - p0)).toBeLessThan(1e-6 * Math.abs(p0) + 1e-7); // float32 storage only
    expect(Math.abs(p[1] - p1)).toBeLessThan(1e-6 * Math.abs(p1) + 1e-7);

    const s = opt.getState();
    expect(s.step).toBe(2);
    expect(s.m.w[0]).toBeCloseTo(0.02, 7);
    expect(s.v.w[1]).toBeCloseTo(0.009991, 8);
  });

  it('loadState resumes identically and copies (a snapshot can be reused)', () => {
    const hp = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 };
    const a = new AdamW({ x: 3 }, hp);
    const pa = Float32Array.from([0.1, 0.2, 0.3]);
    a.step({ x: pa }, { x: Float64Array.from([1, -1, 0.5]) }, 0.01);
    const snap = a.getState();
    const pb = pa.slice();
    const b = new AdamW({ x: 3 }, hp);
    b.loadState(snap);
    const g = Float64Array.from([0.2, 0.3, -0.4]);
    a.step({ x: pa }, { x: g }, 0.01);
    b.step({ x: pb }, { x: g }, 0.01);
    expect(Array.from(pb)).toEqual(Array.from(pa));
    expect(snap.step).toBe(1); // untouched by b's step
    expect(snap.m.x[0]).toBeCloseTo(0.1, 7);
    expect(() => b.loadState({ step: 1, m: { x: new Float32Array(2) }, v: { x: new Float32Array(2) } })).toThrow(/wrong size/);
  });
});

describe('clipGradNorm', () => {
  it('returns the global norm and scales in place only above maxNorm', () => {
    const g = { a: Float64Array.from([3, 0]), b: Float64Array.from([4]) };
    expect(clipGradNorm(g, 10)).toBe(5);
    expect(Array.from(g.b)).toEqual([4]);
    expect(clipGradNorm(g, 1)).toBe(5);
    const after = Math.hypot(g.a[0], g.a[1], g.b[0]);
    expect(after).toBeCloseTo(1, 6); // torch: scale = maxNorm / (norm + 1e-6)
    expect(g.a[0] / g.b[0]).toBeCloseTo(0.75, 12);
    const h = { a: Float64Array.from([30, 40]) };
    expect(clipGradNorm(h, 0)).toBe(50); // 0 = off
    expect(Array.from(h.a)).toEqual([30, 40]);
  });
});

describe('learningRateAt (transformers get_*_schedule_with_warmup)', () => {
  const base: Pick<TrainConfig, 'learningRate' | 'warmupSteps' | 'schedule' | 'steps'> = { learningRate: 0.1, warmupSteps: 4, schedule: 'linear', steps: 12 };
  it('warms up linearly from 0', () => {
    [0, 0.025, 0.05, 0.075].forEach((lr, s) => expect(learningRateAt(s, base)).toBeCloseTo(lr, 15));
  });
  it('linear decays to 0 at steps', () => {
    expect(learningRateAt(4, base)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(8, base)).toBeCloseTo(0.05, 12); // (12-8)/(12-4)
    expect(learningRateAt(11, base)).toBeCloseTo(0.0125, 12);
    expect(learningRateAt(12, base)).toBe(0);
    expect(learningRateAt(20, base)).toBe(0);
  });
  it('cosine follows ½(1 + cos(π·progress))', () => {
    const c = { ...base, schedule: 'cosine' as const };
    expect(learningRateAt(4, c)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(8, c)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(6, c)).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(learningRateAt(12, c)).toBeCloseTo(0, 12);
  });
  it('constant holds after warm-up; no warm-up starts at full rate', () => {
    const c = { ...base, schedule: 'constant' as const };
    expect(learningRateAt(3, c)).toBeCloseTo(0.075, 12);
    expect(learningRateAt(4, c)).toBe(0.1);
    expect(learningRateAt(100, c)).toBe(0.1);
    expect(learningRateAt(0, { ...base, warmupSteps: 0 })).toBe(0.1);
  });
});
