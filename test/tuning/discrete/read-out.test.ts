import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../../cli/node-files.ts';
import { TuningSession } from '../../../src/tuning/session.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/tuning/train-config.ts';
import { METHODS } from '../../../src/tuning/methods/registry.ts';
import { evaluateClassification } from '../../../src/tuning/evaluate.ts';

// The soft-prompt read-out on the CPU engine: a briefly trained soft prompt, projected to its nearest tokens,
// is the top-1 of the existing nearest-token view, and its score is that of those tokens typed before the
// template.
const lines = readFileSync('public/datasets/sentiment-code.csv', 'utf8').trim().split('\n');
const TABLE = [lines[0], ...lines.slice(1).filter((l) => l.endsWith(',train')).slice(0, 8), ...lines.slice(1).filter((l) => l.endsWith(',validation')).slice(0, 6)].join('\n');
const session = new TuningSession();
beforeAll(async () => {
  await session.loadModel(directoryModelFiles('public/models/demo'), null);
  expect(session.setDataset({ text: TABLE, fileName: 'slice.csv', template: 'Review: {input}\nCode:', validationFraction: 0.2, seed: 1 }, 16).ok).toBe(true);
  await session.train({ ...DEFAULT_TRAIN_CONFIG, method: { ...METHODS.prompt.defaults, virtualTokens: 5 }, steps: 2, evalEvery: 0, warmupSteps: 0 });
});

describe('projectedSoftPrompt', () => {
  it('is the nearest-token view’s top-1, scored as typed tokens', async () => {
    const r = await session.projectedSoftPrompt();
    expect(r.ids).toEqual(session.nearestTokens(1).map((n) => n.tokens[0].id));
    expect(r.text).toBe(session.tokenizer!.decode(r.ids));
    const lm = session.lm!;
    const d = session.dataset!;
    // The same rows with the ids typed in front (plain input ids, no extra input).
    const typed = d.validation.map((e) => ({ ...e, prompt: [...r.ids, ...e.prompt] }));
    const asTyped = await evaluateClassification(lm, typed, { names: d.labels.names, tokens: d.labels.tokens }, {});
    expect(r.report.accuracy).toBe(asTyped.accuracy);
    expect(Math.abs(r.report.validationLoss - asTyped.validationLoss)).toBeLessThan(1e-6);
  });

  it('refuses a prefix, which has no tokens to project to', async () => {
    await session.train({ ...DEFAULT_TRAIN_CONFIG, method: { ...METHODS.prefix.defaults, virtualTokens: 2 }, steps: 1, evalEvery: 0, warmupSteps: 0 });
    await expect(session.projectedSoftPrompt()).rejects.toThrow(/KV prefix has no tokens/);
  });
});
