import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultGoldenDir, loadGoldenCase } from '../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';
import { Trainer, type TrainerState } from '../../src/tuning/trainer.ts';
import { readCheckpoint, writeCheckpoint } from '../../src/tuning/export/checkpoint.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/tuning/train-config.ts';
import type { MethodOptions } from '../../src/tuning/methods/method.ts';
import type { EncodedExample } from '../../src/tuning/data/encoded.ts';
import { Rng } from '../../src/tuning/random.ts';

// A run stopped at step k, saved as the studio checkpoint zip, read back and continued, must end bit-for-bit
// where the uninterrupted run ends: parameters (encoder weights included), AdamW moments, schedule position,
// data order across epoch boundaries, and the RNG. Runs on the float64 CPU reference with a golden model (GQA).

function examples(vocab: number, n: number): EncodedExample[] {
  const r = new Rng(99);
  return Array.from({ length: n }, (_, i) => ({
    input: `row ${i}`,
    output: `out ${i}`,
    prompt: Array.from({ length: 3 + (i % 3) }, () => r.int(vocab)),
    target: Array.from({ length: 1 + (i % 2) }, () => r.int(vocab)),
  }));
}

const methods: MethodOptions[] = [
  { method: 'ptuning', virtualTokens: 3, encoder: 'MLP', encoderHidden: 6 },
  { method: 'prefix', virtualTokens: 2, projection: true, encoderHidden: 5 },
];

describe('checkpoint resume', () => {
  for (const method of methods) {
    it(`${method.method}: 3 steps + checkpoint zip + 4 steps equals 7 steps`, async () => {
      const c = await loadGoldenCase(join(defaultGoldenDir(), 'llama-prefix'));
      const lm = new ReferenceCausalLM(c.cfg, c.weights);
      const train = examples(c.cfg.vocabSize, 5); // batch 2 over 5 rows: the data order reshuffles mid-run
      const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method, learningRate: 0.05, weightDecay: 0.01, warmupSteps: 2, schedule: 'cosine', steps: 7, batchSize: 2, seed: 5 };

      const straight = new Trainer(lm, config, train);
      for (let i = 0; i < 7; i++) await straight.trainStep();

      const first = new Trainer(lm, config, train);
      for (let i = 0; i < 3; i++) await first.trainStep();
      const bytes = writeCheckpoint(first.snapshot());
      const state: TrainerState = readCheckpoint(bytes);
      expect(state.step).toBe(3);
      expect(Object.keys(state.params).sort()).toEqual(Object.keys(first.params).sort());
      const resumed = new Trainer(lm, state.config, train, { params: state.params, state });
      for (let i = 0; i < 4; i++) await resumed.trainStep();

      expect(resumed.step).toBe(7);
      expect(resumed.losses).toEqual(straight.losses);
      for (const [name, t] of Object.entries(straight.params)) {
        expect(resumed.params[name].shape).toEqual(t.shape);
        expect(Array.from(resumed.params[name].data)).toEqual(Array.from(t.data));
      }
      const a = straight.snapshot();
      const b = resumed.snapshot();
      expect(b.optimizer.step).toBe(a.optimizer.step);
      for (const name of Object.keys(a.optimizer.m)) {
        expect(Array.from(b.optimizer.m[name])).toEqual(Array.from(a.optimizer.m[name]));
        expect(Array.from(b.optimizer.v[name])).toEqual(Array.from(a.optimizer.v[name]));
      }
      expect(b.rngState).toEqual(a.rngState);
      expect(b.dataOrder).toEqual(a.dataOrder);
      // Training moved the parameters: the comparison above is not between two untouched inits.
      expect(straight.losses[6]).not.toBe(straight.losses[0]);
      // Control: the same parameters without the saved optimiser state and data order end elsewhere.
      const partial = new Trainer(lm, config, train, { params: readCheckpoint(bytes).params });
      for (let i = 0; i < 4; i++) await partial.trainStep();
      const someName = Object.keys(straight.params)[0];
      expect(Array.from(partial.params[someName].data)).not.toEqual(Array.from(straight.params[someName].data));
    });
  }
});
