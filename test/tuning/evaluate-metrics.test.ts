import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../cli/node-files.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import { scoreText, textMetrics } from '../../src/tuning/metrics/generation.ts';

// Evaluation on the demo model (float64 CPU engine): free text carries the four metrics per example and over
// the split, computed from the generated text; classification carries each prediction's margin.
const session = new TuningSession();
beforeAll(async () => {
  await session.loadModel(directoryModelFiles('public/models/demo'), null);
});

describe('evaluation reports', () => {
  it('free text: exact match, token F1, ROUGE-L and chrF from the generated answers', async () => {
    const text = readFileSync('public/datasets/antonyms.csv', 'utf8');
    expect(session.setDataset({ text, fileName: 'antonyms.csv', template: 'Word: {input}\nOpposite:', validationFraction: 0.2, seed: 1 }, 4).ok).toBe(true);
    const examples = session.dataset!.validation.slice(0, 4);
    const r = await session.evaluateOn(examples, {});
    expect(r.kind).toBe('generation');
    const preds = r.predictions.map((p) => p.predicted);
    const refs = r.predictions.map((p) => [p.expected]);
    expect(r.text).toEqual(textMetrics(preds, refs));
    expect(r.accuracy).toBe(r.text!.exactMatch);
    for (const p of r.predictions) {
      expect(p.scores).toEqual(scoreText(p.predicted, [p.expected]).scores);
      expect(p.correct).toBe(p.scores!.exactMatch === 1);
      expect(p.margin).toBeNull();
    }
  });

  it('classification: the margin is the chosen label’s log-likelihood minus the runner-up’s', async () => {
    const all = readFileSync('public/datasets/sentiment-code.csv', 'utf8').split('\n');
    const lines = [all[0].replace(',split', ''), ...all.slice(1, 13).map((l) => l.replace(/,(train|validation)$/, ''))].join('\n');
    expect(session.setDataset({ text: lines, fileName: 's.csv', template: 'Review: {input}\nCode:', validationFraction: 0.25, seed: 1 }, 4).ok).toBe(true);
    const r = await session.evaluate({});
    expect(r.text).toBeNull();
    for (const p of r.predictions) {
      expect(p.margin).not.toBeNull();
      expect(p.margin!).toBeGreaterThanOrEqual(0);
      expect(p.scores).toBeNull();
    }
  });
});
