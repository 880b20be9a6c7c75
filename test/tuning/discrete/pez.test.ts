import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../../cli/node-files.ts';
import { TuningSession } from '../../../src/tuning/session.ts';
import { discoverPez, type HardPromptSearchStep } from '../../../src/tuning/discrete/pez.ts';
import { vocabularyOf } from '../../../src/tuning/discrete/projection.ts';

// PEZ on the demo model (float64 reference, real tokenizer) and the needs-tuning sample task: a few steps
// lower the training loss of the projected hard prompt, and what it returns is a prompt of ordinary tokens.
const session = new TuningSession();
beforeAll(async () => {
  await session.loadModel(directoryModelFiles('public/models/demo'), null);
  const d = session.setDataset(
    { text: readFileSync('public/datasets/sentiment-code.csv', 'utf8'), fileName: 'sentiment-code.csv', template: 'Review: {input}\nCode:', validationFraction: 0.2, seed: 42 },
    8,
  );
  expect(d.ok).toBe(true);
});

describe('PEZ', () => {
  it('lowers the scoring-set loss of the projected prompt on sentiment-code within 6 steps', async () => {
    const lm = session.lm!;
    const vocab = vocabularyOf(lm.weights.embed, lm.config);
    const steps: HardPromptSearchStep[] = [];
    const r = await discoverPez(lm, vocab, session.dataset!.train, { promptLength: 8, steps: 6, learningRate: 0.1, weightDecay: 0.1, batchSize: 8, scoreExamples: 32, seed: 42 }, { onStep: (s) => steps.push(s) });
    console.log(`PEZ: ${r.initialScoreLoss.toFixed(4)} → ${r.scoreLoss.toFixed(4)} "${session.tokenizer!.decode(r.ids)}" in ${r.seconds.toFixed(1)} s`);
    expect(r.steps).toBe(6);
    expect(steps).toHaveLength(6);
    expect(r.scoreLoss).toBeLessThan(r.initialScoreLoss - 0.02);
    // The projection moved: the gradient reached the continuous copy.
    expect(new Set(steps.map((s) => s.ids.join(','))).size).toBeGreaterThan(1);
    expect(r.ids).toHaveLength(8);
    expect(r.ids.every((id) => vocab.allowed[id] === 1)).toBe(true);
    // Best-so-far never rises.
    for (let i = 1; i < steps.length; i++) expect(steps[i].bestLoss).toBeLessThanOrEqual(steps[i - 1].bestLoss);
    expect(steps.at(-1)!.bestLoss).toBeCloseTo(r.scoreLoss, 12);
  });
});
