import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../cli/node-files.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import { nestedOrder } from '../../src/tuning/learning-curve.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/tuning/train-config.ts';
import { METHODS } from '../../src/tuning/methods/registry.ts';
import type { MethodOptions } from '../../src/tuning/methods/method.ts';

describe('nested subsets', () => {
  it('labels interleave, so every prefix is balanced; all rows once; seeded', () => {
    const outputs = [...Array(6).fill('a'), ...Array(6).fill('b')];
    const order = nestedOrder(outputs, 3, true);
    expect([...order].sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
    for (let n = 2; n <= 12; n += 2) expect(order.slice(0, n).filter((i) => outputs[i] === 'a')).toHaveLength(n / 2);
    expect(nestedOrder(outputs, 3, true)).toEqual(order);
    // Uneven labels: the rarer runs out and the rest follow.
    const uneven = nestedOrder(['x', 'y', 'y', 'y'], 1, true);
    expect(uneven.slice(0, 2).map((i) => ['x', 'y', 'y', 'y'][i]).sort()).toEqual(['x', 'y']);
  });
});

describe('learning curve on the demo model (float64 CPU engine)', () => {
  const session = new TuningSession();
  const lines = readFileSync('public/datasets/sentiment-code.csv', 'utf8').split('\n');
  const text = [lines[0].replace(',split', ''), ...lines.slice(1, 21).map((l) => l.replace(/,(train|validation)$/, ''))].join('\n');
  beforeAll(async () => {
    await session.loadModel(directoryModelFiles('public/models/demo'), null);
    expect(session.setDataset({ text, fileName: 'lc.csv', template: 'Review: {input}\nCode:', validationFraction: 0.25, seed: 1 }, 4).ok).toBe(true);
  });

  it('one point per size (capped at the split), baseline once, runs of the sizes asked', async () => {
    const method = { ...(METHODS.prompt.defaults as MethodOptions), virtualTokens: 4 } as MethodOptions;
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method, steps: 2, warmupSteps: 0, batchSize: 4, evalEvery: 0 };
    const r = await session.learningCurve(config, [4, 8, 1000], 1);
    const train = session.dataset!.train.length;
    expect(r.sizes).toEqual([4, 8, train]);
    expect(r.points.map((p) => p.size)).toEqual([4, 8, train]);
    expect(r.points[0].tuned.accuracy.values).toHaveLength(1);
    expect(Object.keys(r.baseline)).toEqual(['accuracy', 'macro_f1']);
    expect(r.stopped).toBe(false);
  });
});
