import { describe, expect, it } from 'vitest';
import { metaVerdict, stepsToReach, type AdaptationCurve } from '../../../src/tuning/meta/adaptation-curve.ts';

const curve = (start: string, acc: number[], loss: number[]): AdaptationCurve => ({
  start,
  seconds: 0,
  points: [0, 5, 10, 20, 50].map((steps, i) => ({ steps, accuracy: acc[i], validationLoss: loss[i] })),
});

describe('the meta-learning verdict', () => {
  const meta = curve('meta-learned', [0.5, 0.8, 0.9, 0.95, 1], [0.7, 0.4, 0.2, 0.1, 0.05]);
  const vocab = curve('vocab', [0.5, 0.6, 0.7, 0.9, 1], [0.7, 0.6, 0.5, 0.3, 0.15]);
  const random = curve('random', [0.5, 0.5, 0.6, 0.8, 0.95], [0.7, 0.7, 0.6, 0.4, 0.25]);

  it('finds the steps each start needs to reach the meta start’s accuracy after 10 steps', () => {
    expect(stepsToReach(vocab, 0.9)).toBe(20);
    expect(stepsToReach(random, 0.9)).toBe(50);
    const v = metaVerdict([meta, vocab, random]);
    expect(v.metaAccuracyAt10).toBe(0.9);
    expect(v.bestOther).toEqual({ start: 'vocab', stepsToReach: 20 });
    expect(v.speedup).toBe(2);
    // By validation loss (0.2 after 10 steps) vocab needs 50 steps and random never gets there.
    expect(v.bestOtherByLoss).toEqual({ start: 'vocab', stepsToReach: 50 });
    expect(v.sentence).toMatch(/best other start \(vocab\) needs 20 steps \(2\.0×\).*needs 50 steps \(5\.0×\)/);
  });

  it('says so when no other start gets there', () => {
    const v = metaVerdict([meta, random]);
    expect(v.bestOther).toEqual({ start: 'random', stepsToReach: 50 });
    const never = metaVerdict([curve('meta-learned', [0.5, 1, 1, 1, 1], [0.7, 0.1, 0.05, 0.04, 0.03]), random]);
    expect(never.speedup).toBeNull();
    expect(never.sentence).toMatch(/no other start reaches it within 50 steps/);
  });
});
