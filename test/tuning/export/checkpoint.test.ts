import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { zipSync, unzipSync, strToU8 } from 'fflate';
import { defaultGoldenDir, loadGoldenCase } from '../../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../../src/engine/reference/reference-lm.ts';
import { writeSafetensors } from '../../../src/engine/io/safetensors.ts';
import type { EncodedExample } from '../../../src/tuning/data/encoded.ts';
import type { MethodOptions } from '../../../src/tuning/methods/method.ts';
import { Rng } from '../../../src/tuning/random.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../../src/tuning/train-config.ts';
import { Trainer, type TrainerState } from '../../../src/tuning/trainer.ts';
import { readCheckpoint, readCheckpointFile, writeCheckpoint, CheckpointError } from '../../../src/tuning/export/checkpoint.ts';

// The studio checkpoint must let a run continue exactly: N steps in one go and k steps + checkpoint (through
// the zip bytes) + N − k steps give bit-identical parameters, optimiser moments and losses. The model is the
// golden GPT-2 case run by the float64 reference (no GPU needed); data rows are random token ids.
const golden = await loadGoldenCase(join(defaultGoldenDir(), 'gpt2-prompt'));
const lm = new ReferenceCausalLM(golden.cfg, golden.weights);

function rows(n: number, seed: number): EncodedExample[] {
  const rng = new Rng(seed);
  const V = golden.cfg.vocabSize;
  return Array.from({ length: n }, () => ({
    input: '',
    output: '',
    prompt: Array.from({ length: 2 + rng.int(3) }, () => rng.int(V)),
    target: Array.from({ length: 1 + rng.int(2) }, () => rng.int(V)),
  }));
}

const data = rows(5, 7); // 5 rows, batch 2: epochs end mid-batch, so order and cursor matter
const config = (method: MethodOptions): TrainConfig => ({ ...DEFAULT_TRAIN_CONFIG, method, batchSize: 2, steps: 6, warmupSteps: 2, schedule: 'cosine', learningRate: 0.05, weightDecay: 0.01, evalEvery: 0, seed: 3 });
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function expectSameState(a: TrainerState, b: TrainerState) {
  expect(Object.keys(b.params).sort()).toEqual(Object.keys(a.params).sort());
  for (const k of Object.keys(a.params)) {
    expect(b.params[k].shape).toEqual(a.params[k].shape);
    expect(bits(b.params[k].data), k).toEqual(bits(a.params[k].data));
    expect(bits(b.optimizer.m[k]), `m ${k}`).toEqual(bits(a.optimizer.m[k]));
    expect(bits(b.optimizer.v[k]), `v ${k}`).toEqual(bits(a.optimizer.v[k]));
  }
  expect(b.optimizer.step).toBe(a.optimizer.step);
  expect(b.losses).toEqual(a.losses);
  expect(b.rngState).toEqual(a.rngState);
  expect([b.step, b.dataCursor, b.dataOrder]).toEqual([a.step, a.dataCursor, a.dataOrder]);
}

const methods: MethodOptions[] = [
  { method: 'prompt', virtualTokens: 3, init: 'vocab', initText: '' },
  { method: 'ptuning', virtualTokens: 3, encoder: 'LSTM', encoderHidden: 8 },
];

describe('studio checkpoint', () => {
  for (const method of methods) {
    it(`${method.method}: k steps + checkpoint + the rest = all steps at once, bit for bit`, async () => {
      const straight = new Trainer(lm, config(method), data);
      const outcome = await straight.run();
      expect(outcome.steps).toBe(6);

      const first = new Trainer(lm, config(method), data);
      for (let i = 0; i < 3; i++) await first.trainStep();
      const bytes = writeCheckpoint(first.snapshot());
      const state = readCheckpoint(bytes);
      expectSameState(first.snapshot(), state);
      const resumed = new Trainer(lm, state.config, data, { params: state.params, state });
      await resumed.run();

      expectSameState(straight.snapshot(), resumed.snapshot());
      // Training did move the parameters (the comparison above is not between two untouched inits).
      const init = new Trainer(lm, config(method), data).params;
      expect(Object.keys(init).some((k) => bits(init[k].data).join() !== bits(straight.params[k].data).join())).toBe(true);
      expect(straight.losses).toHaveLength(6);
      expect(straight.losses.every(Number.isFinite)).toBe(true);
    });
  }

  it('records the optimiser, schedule, seed and model in checkpoint.json', () => {
    const t = new Trainer(lm, config(methods[0]), data);
    const model = { name: 'gpt2-prompt', family: 'gpt2', hidden: 64, layers: 2, kvHeads: 4, headDim: 16, vocabSize: golden.cfg.vocabSize };
    const { meta } = readCheckpointFile(writeCheckpoint(t.snapshot(), model));
    expect(meta.optimizer).toEqual({ name: 'AdamW', step: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
    expect(meta.schedule).toEqual({ kind: 'cosine', learningRate: 0.05, warmupSteps: 2, totalSteps: 6 });
    expect(meta.seed).toBe(3);
    expect(meta.params).toEqual([{ name: 'prompt_embeddings', shape: [3, 64] }]);
    expect(meta.model).toEqual(model);
    expect(() => readCheckpointFile(writeCheckpoint(t.snapshot(), model), { ...model, name: 'other', hidden: 128 })).toThrow(/trained on gpt2-prompt \(hidden 64\), not on other \(hidden 128\)/);
  });

  it('refuses a PEFT adapter, a zip without the tensors and a missing moment, with a sentence', () => {
    const t = new Trainer(lm, config(methods[0]), data);
    const good = unzipSync(writeCheckpoint(t.snapshot()));
    expect(() => readCheckpoint(zipSync({ 'adapter_config.json': strToU8('{}'), 'adapter_model.safetensors': new Uint8Array(8) }))).toThrow(/PEFT adapter, not a studio checkpoint/);
    expect(() => readCheckpoint(zipSync({ 'checkpoint.json': good['checkpoint.json'] }))).toThrow(CheckpointError);
    const p = t.snapshot().params['prompt_embeddings'];
    const noV = writeSafetensors({ 'param/prompt_embeddings': p, 'adam_m/prompt_embeddings': { shape: p.shape, data: new Float32Array(p.data.length) } });
    expect(() => readCheckpoint(zipSync({ 'checkpoint.json': good['checkpoint.json'], 'params.safetensors': noV }))).toThrow(/adam_v\/prompt_embeddings is missing/);
  });
});
