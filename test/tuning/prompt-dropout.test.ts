import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultGoldenDir, loadGoldenCase } from '../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';
import { Trainer, cloneParams } from '../../src/tuning/trainer.ts';
import { DEFAULT_TRAIN_CONFIG, checkTrainConfig, type TrainConfig } from '../../src/tuning/train-config.ts';

// Dropout on the virtual tokens: dropped values get no gradient, so AdamW's first step (zero moments, no weight
// decay) leaves exactly those values unchanged; without dropout every value moves.
describe('virtual-token dropout', () => {
  const examples = [
    { input: 'a', output: 'b', prompt: [5, 6, 7], target: [8] },
    { input: 'c', output: 'd', prompt: [9, 10], target: [11, 12] },
  ];
  const changedFraction = async (promptDropout: number) => {
    const c = await loadGoldenCase(join(defaultGoldenDir(), 'gpt2-prompt'));
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method: { method: 'prompt', virtualTokens: 4, init: 'vocab', initText: '' }, warmupSteps: 0, batchSize: 2, promptDropout };
    const trainer = new Trainer(new ReferenceCausalLM(c.cfg, c.weights), config, examples);
    const before = cloneParams(trainer.params).prompt_embeddings.data;
    await trainer.trainStep();
    const after = trainer.params.prompt_embeddings.data;
    return after.filter((v, i) => v !== before[i]).length / after.length;
  };

  it('leaves the dropped values untouched on the first step', async () => {
    expect(await changedFraction(0)).toBe(1);
    const f = await changedFraction(0.5);
    expect(f).toBeGreaterThan(0.3);
    expect(f).toBeLessThan(0.7);
  });

  it('rejects a dropout outside [0, 1)', () => {
    expect(checkTrainConfig({ ...DEFAULT_TRAIN_CONFIG, method: { method: 'prompt', virtualTokens: 4, init: 'vocab', initText: '' }, promptDropout: 1 }).join()).toMatch(/dropout/);
  });
});
