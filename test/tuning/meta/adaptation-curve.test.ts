import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { metaVerdict, stepSizeAdaptationCurve, stepsToReach, type AdaptationCurve } from '../../../src/tuning/meta/adaptation-curve.ts';
import { defaultGoldenDir, loadGoldenCase } from '../../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../../src/engine/reference/reference-lm.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/tuning/train-config.ts';
import { toTrainingBatch } from '../../../src/tuning/data/encoded.ts';
import { Rng } from '../../../src/tuning/random.ts';

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

describe('Meta-SGD adaptation with the learned step sizes', () => {
  it('takes φ ← φ − α ⊙ clip(g) on the trainer’s batches, and zero step sizes leave the prompt where it is', async () => {
    const c = await loadGoldenCase(join(defaultGoldenDir(), 'llama-prompt'));
    const lm = new ReferenceCausalLM(c.cfg, c.weights);
    const r = new Rng(4);
    const train = Array.from({ length: 4 }, (_, i) => ({ input: `${i}`, output: 'y', prompt: [r.int(c.cfg.vocabSize), r.int(c.cfg.vocabSize)], target: [r.int(c.cfg.vocabSize)] }));
    const P = 2, C = c.cfg.hidden;
    const theta = Float32Array.from({ length: P * C }, () => r.normal());
    const alpha = Float32Array.from({ length: P * C }, (_, i) => (i % 3) * 0.05);
    const config = { ...DEFAULT_TRAIN_CONFIG, method: { method: 'prompt', virtualTokens: P, init: 'random', initText: '' } as const, batchSize: 4, clipNorm: 0.5 };
    const seen: Float32Array[] = [];
    const evaluate = async (extras: { promptEmbeds?: Float32Array }) => {
      seen.push(extras.promptEmbeds!.slice());
      return { accuracy: 0, validationLoss: 0 };
    };
    const start = { name: 'meta-learned', params: { prompt_embeddings: { shape: [P, C], data: theta } } };
    await stepSizeAdaptationCurve(lm, train, config, start, { prompt_embeddings: alpha }, evaluate, [0, 1]);
    // By hand: the batch is the whole split (batch size 4), so its order does not change the mean loss.
    const g = (await lm.lossAndGrad(toTrainingBatch(train, lm.config), { promptEmbeds: theta, virtualTokens: P })).grad!;
    const norm = Math.hypot(...g);
    const scale = Math.min(1, 0.5 / (norm + 1e-6));
    expect(Array.from(seen[0])).toEqual(Array.from(theta));
    for (let i = 0; i < theta.length; i++) expect(seen[1][i]).toBeCloseTo(theta[i] - alpha[i] * scale * g[i], 5);
    expect(seen[1].some((v, i) => v !== theta[i])).toBe(true);
    seen.length = 0;
    await stepSizeAdaptationCurve(lm, train, config, start, { prompt_embeddings: new Float32Array(P * C) }, evaluate, [0, 2]);
    expect(Array.from(seen[1])).toEqual(Array.from(seen[0]));
  });
});
