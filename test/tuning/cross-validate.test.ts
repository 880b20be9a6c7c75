import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../cli/node-files.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import { assignFolds, summarize } from '../../src/tuning/cross-validate.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/tuning/train-config.ts';
import { METHODS } from '../../src/tuning/methods/registry.ts';
import type { MethodOptions } from '../../src/tuning/methods/method.ts';

describe('folds and summaries', () => {
  it('stratified folds keep each label in proportion; every row in exactly one fold', () => {
    const outputs = [...Array(9).fill('a'), ...Array(6).fill('b'), ...Array(3).fill('c')];
    const fold = assignFolds(outputs, 3, 7, true);
    for (let f = 0; f < 3; f++) {
      const inFold = outputs.filter((_, i) => fold[i] === f);
      expect(inFold.filter((o) => o === 'a')).toHaveLength(3);
      expect(inFold.filter((o) => o === 'b')).toHaveLength(2);
      expect(inFold.filter((o) => o === 'c')).toHaveLength(1);
    }
    expect(assignFolds(outputs, 3, 7, true)).toEqual(fold); // seeded
  });

  it('unstratified folds differ in size by at most one', () => {
    const fold = assignFolds(Array.from({ length: 10 }, (_, i) => `x${i}`), 3, 1, false);
    expect([0, 1, 2].map((f) => fold.filter((x) => x === f).length).sort()).toEqual([3, 3, 4]);
    expect(() => assignFolds(['a'], 2, 1, false)).toThrow(/at least 2 rows/);
    expect(() => assignFolds(['a', 'b'], 1, 1, false)).toThrow(/≥ 2/);
  });

  it('mean and sample standard deviation', () => {
    // values 0.5, 0.75, 1: mean 0.75; squared deviations 0.0625, 0, 0.0625; / (3 − 1) = 0.0625; √ = 0.25.
    const s = summarize([0.5, 0.75, 1]);
    expect(s.mean).toBeCloseTo(0.75, 12);
    expect(s.std).toBeCloseTo(0.25, 12);
    expect(s.values).toEqual([0.5, 0.75, 1]);
    expect(summarize([0.3]).std).toBe(0);
  });
});

// A real cross-validation on the demo model (float64 CPU engine), small enough for the 2-core machine.
describe('crossValidate on the demo model', () => {
  const session = new TuningSession();
  const lines = readFileSync('public/datasets/sentiment-code.csv', 'utf8').split('\n');
  const text = [lines[0].replace(',split', ''), ...lines.slice(1, 19).map((l) => l.replace(/,(train|validation)$/, ''))].join('\n');
  beforeAll(async () => {
    await session.loadModel(directoryModelFiles('public/models/demo'), null);
    expect(session.setDataset({ text, fileName: 'cv.csv', template: 'Review: {input}\nCode:', validationFraction: 0.2, seed: 1 }, 4).ok).toBe(true);
  });
  const method = { ...(METHODS.prompt.defaults as MethodOptions), virtualTokens: 4 } as MethodOptions;
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method, steps: 2, warmupSteps: 0, batchSize: 4, evalEvery: 0 };

  it('3 folds × 1 seed: a run per fold, baseline per fold, summaries over them', async () => {
    const seen: number[] = [];
    const r = await session.crossValidate(config, { folds: 3, seeds: 1 }, { onRun: (_run, done) => seen.push(done) });
    expect(seen).toEqual([1, 2, 3]);
    expect(r.runs.map((x) => x.fold)).toEqual([0, 1, 2]);
    expect(r.runs.reduce((a, x) => a + x.validation, 0)).toBe(18);
    expect(r.tuned.accuracy.values).toEqual(r.runs.map((x) => x.tuned.accuracy));
    expect(r.baseline.accuracy.values).toHaveLength(3);
    expect(r.stopped).toBe(false);
    for (const x of r.runs) expect(x.steps).toBe(2);
    expect(r.instruction).toBeNull();
  });

  it('a hand-written instruction is scored on the same folds, and it is the header the demo model knows', async () => {
    const r = await session.crossValidate({ ...config, steps: 1 }, { folds: 2, seeds: 1, instruction: 'Secret code: sun' });
    expect(r.instruction!.accuracy.values).toHaveLength(2);
    expect(r.runs.every((x) => x.instruction !== null)).toBe(true);
    // The demo model learned the code under this header (tools/demo-model/corpus.py): it beats the bare template.
    expect(r.instruction!.accuracy.mean).toBeGreaterThan(r.baseline.accuracy.mean);
  });

  it('a stop keeps the runs that finished', async () => {
    let calls = 0;
    const r = await session.crossValidate(config, { folds: 2, seeds: 2 }, {
      onRun: () => {
        if (++calls === 1) session.stopCrossValidation();
      },
    });
    expect(r.stopped).toBe(true);
    expect(r.runs).toHaveLength(1);
    expect(r.baseline.accuracy.values).toHaveLength(1);
  });
});
