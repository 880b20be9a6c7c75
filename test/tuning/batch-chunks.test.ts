import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultGoldenDir, loadGoldenCase } from '../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';
import type { CausalLM } from '../../src/engine/model/causal-lm.ts';
import { Trainer, trainSetupProblems } from '../../src/tuning/trainer.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/tuning/train-config.ts';
import type { EncodedExample } from '../../src/tuning/data/encoded.ts';
import { Rng } from '../../src/tuning/random.ts';

// A batch larger than the engine takes in one call (8 rows on WebGPU) is legal (issue 18): it runs in chunks whose
// losses and gradients are combined by target tokens, giving the step one call would give. Float64 reference.

function examples(vocab: number, n: number): EncodedExample[] {
  const r = new Rng(7);
  return Array.from({ length: n }, (_, i) => ({
    input: `row ${i}`,
    output: `out ${i}`,
    prompt: Array.from({ length: 2 + (i % 4) }, () => r.int(vocab)),
    target: Array.from({ length: 1 + (i % 3) }, () => r.int(vocab)),
  }));
}

/** The same model, but taking at most `rows` rows a call (refusing more, as the WebGPU engine does). */
function narrow(lm: CausalLM, rows: number): CausalLM {
  return Object.assign(Object.create(lm) as CausalLM, {
    capacity: { ...lm.capacity, rows },
    lossAndGrad: (batch: Parameters<CausalLM['lossAndGrad']>[0], extras: Parameters<CausalLM['lossAndGrad']>[1]) => {
      if (batch.rows > rows) throw new Error(`batch of ${batch.rows} rows exceeds the engine's capacity of ${rows}`);
      return lm.lossAndGrad(batch, extras);
    },
  });
}

describe('batches beyond the engine capacity', () => {
  it('train in chunks to the same parameters as one call', async () => {
    const c = await loadGoldenCase(join(defaultGoldenDir(), 'llama-prefix'));
    const lm = new ReferenceCausalLM(c.cfg, c.weights);
    const train = examples(c.cfg.vocabSize, 7);
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method: { method: 'prompt', virtualTokens: 3, init: 'random', initText: '' }, steps: 2, batchSize: 7, warmupSteps: 0, seed: 3 };
    const whole = new Trainer(lm, config, train);
    const chunked = new Trainer(narrow(lm, 3), config, train);
    for (let i = 0; i < 2; i++) {
      await whole.trainStep();
      await chunked.trainStep();
    }
    expect(chunked.losses[0]).toBeCloseTo(whole.losses[0], 7);
    expect(chunked.losses[1]).toBeCloseTo(whole.losses[1], 6);
    for (const [name, t] of Object.entries(whole.params)) {
      const got = chunked.params[name].data;
      t.data.forEach((v, k) => expect(Math.abs(got[k] - v)).toBeLessThan(1e-5));
    }
  });

  it('settings the engine cannot run are named before a run', async () => {
    const c = await loadGoldenCase(join(defaultGoldenDir(), 'llama-prefix'));
    const lm = narrow(new ReferenceCausalLM(c.cfg, c.weights), 8);
    Object.assign(lm, { capacity: { ...lm.capacity, virtualTokens: 4 } });
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method: { method: 'prompt', virtualTokens: 5, init: 'random', initText: '' }, learningRate: 0 };
    const problems = trainSetupProblems(lm, config);
    expect(problems.join('\n')).toContain('learning rate must be in (0, 10) (got 0)');
    expect(problems.join('\n')).toContain('5 virtual tokens: this engine holds at most 4');
  });
});
