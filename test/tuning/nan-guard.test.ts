import { describe, expect, it } from 'vitest';
import { defaultGoldenDir, loadGoldenCase } from '../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';
import { Trainer, cloneParams } from '../../src/tuning/trainer.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/tuning/train-config.ts';
import { join } from 'node:path';

// The NaN guard: when the loss becomes non-finite the run stops, says why, and restores the last parameters whose
// loss was finite. The blow-up is real: a parameter is set to NaN between two steps, and the real (float64
// reference) engine then computes a NaN loss.
describe('trainer NaN guard', () => {
  it('stops on a NaN loss and restores the last good parameters', async () => {
    const c = await loadGoldenCase(join(defaultGoldenDir(), 'gpt2-prompt'));
    const lm = new ReferenceCausalLM(c.cfg, c.weights);
    const examples = [
      { input: 'a', output: 'b', prompt: [5, 6, 7], target: [8] },
      { input: 'c', output: 'd', prompt: [9, 10], target: [11, 12] },
    ];
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method: { method: 'prompt', virtualTokens: 3, init: 'vocab', initText: '' }, steps: 10, batchSize: 2, evalEvery: 0 };
    const trainer = new Trainer(lm, config, examples);
    await trainer.trainStep();
    await trainer.trainStep();
    const good = cloneParams(trainer.params); // the parameters after step 2
    await trainer.trainStep(); // step 3 runs on `good`: its loss is finite, so `good` becomes the last good parameters
    trainer.params.prompt_embeddings.data[4] = NaN;
    const outcome = await trainer.run();
    expect(outcome.phase).toBe('diverged');
    expect(outcome.reason).toMatch(/step 4/);
    expect(outcome.reason).toMatch(/learning rate/);
    expect(trainer.step).toBe(3);
    expect(Array.from(trainer.params.prompt_embeddings.data)).toEqual(Array.from(good.prompt_embeddings.data));
    expect(trainer.params.prompt_embeddings.data.every(Number.isFinite)).toBe(true);
  });
});
