import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { RunRate, secondsLeft } from '../../src/tuning/run-rate.ts';
import { defaultGoldenDir, loadGoldenCase } from '../../cli/golden-case.ts';
import { countParameters } from '../../src/engine/model/weights.ts';

// The worker's progress numbers, computed in tuning from a clock the test sets.
describe('run rate and time left', () => {
  it('steps/s, tokens/s and seconds left from the run start', () => {
    let t = 1000; // ms
    const rate = new RunRate(() => t);
    t += 2000;
    expect(rate.step(1, 10, 64)).toEqual({ stepsPerSecond: 0.5, tokensPerSecond: 32, secondsLeft: 18 });
    t += 2000;
    expect(rate.step(2, 10, 64)).toEqual({ stepsPerSecond: 0.5, tokensPerSecond: 32, secondsLeft: 16 });
    t += 1000;
    const r = rate.step(3, 3, 128); // the last step: nothing left
    expect(r.secondsLeft).toBe(0);
    expect(r.tokensPerSecond).toBeCloseTo(256 / 5, 12);
  });

  it('an evaluation’s seconds left at its rate so far; none before the first example', () => {
    expect(secondsLeft(4, 0, 80)).toBeNull();
    expect(secondsLeft(4, 20, 80)).toBe(12);
    expect(secondsLeft(4, 80, 80)).toBe(0);
  });
});

describe('countParameters', () => {
  it('GPT-2: embeddings, positions, per layer 12C² + 13C, final norm, tied head counted once', async () => {
    const c = await loadGoldenCase(join(defaultGoldenDir(), 'gpt2-prompt'));
    const { vocabSize: V, maxPositions: N, hidden: C, layers: L } = c.cfg;
    expect(c.cfg.intermediate).toBe(4 * C);
    expect(c.weights.lmHead).toBe(c.weights.embed);
    expect(countParameters(c.weights)).toBe(V * C + N * C + L * (12 * C * C + 13 * C) + 2 * C);
  });
});
