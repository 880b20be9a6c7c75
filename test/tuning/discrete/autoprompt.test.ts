import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../../cli/node-files.ts';
import { TuningSession } from '../../../src/tuning/session.ts';
import { IGNORE_INDEX, padBatch } from '../../../src/engine/model/batch.ts';
import { padId, toTrainingBatch } from '../../../src/tuning/data/encoded.ts';
import { discoverAutoPrompt, rescoreCandidates, topCandidates } from '../../../src/tuning/discrete/autoprompt.ts';
import { hardPromptExtras, vocabularyOf, type Vocabulary } from '../../../src/tuning/discrete/projection.ts';
import type { CausalLM } from '../../../src/engine/model/causal-lm.ts';
import type { PreparedDataset } from '../../../src/tuning/data/prepare.ts';

// AutoPrompt's candidate step on the demo model in the float64 reference (CPU engine, real tokenizer):
// the top-k of −(E·g_i) equals a float64 brute-force ranking, and each re-scored loss equals the loss of the
// batch with the trigger tokens typed in front of every row (the hard prompt as plain input ids).
const session = new TuningSession();
let lm: CausalLM;
let vocab: Vocabulary;
let data: PreparedDataset;
beforeAll(async () => {
  await session.loadModel(directoryModelFiles('public/models/demo'), null);
  const d = session.setDataset(
    { text: readFileSync('public/datasets/sentiment-code.csv', 'utf8'), fileName: 'sentiment-code.csv', template: 'Review: {input}\nCode:', validationFraction: 0.2, seed: 1 },
    8,
  );
  expect(d.ok).toBe(true);
  lm = session.lm!;
  data = d;
  vocab = vocabularyOf(lm.weights.embed, lm.config);
});

describe('AutoPrompt candidates against the float64 reference', () => {
  it('top-k of −(E·g_i) matches a float64 brute-force ranking, and re-scored losses match typed triggers', async () => {
    const triggers = session.tokenizer!.encode(' the the the the');
    expect(triggers.length).toBe(4);
    const examples = data.train.slice(0, 4);
    const batch = toTrainingBatch(examples, lm.config);
    const { grad } = await lm.lossAndGrad(batch, hardPromptExtras(triggers, vocab));
    const C = lm.config.hidden;
    const position = 2;
    const g = grad!.subarray(position * C, (position + 1) * C);
    const k = 6;
    const got = topCandidates(vocab, g, k, [triggers[position]]);

    const E = lm.weights.embed.data;
    const brute: { id: number; score: number }[] = [];
    for (let v = 0; v < lm.config.vocabSize; v++) {
      if (v === triggers[position] || v === lm.config.eosTokenId || v === lm.config.padTokenId || v === lm.config.bosTokenId) continue;
      let dot = 0;
      for (let c = 0; c < C; c++) dot += E[v * C + c] * g[c];
      brute.push({ id: v, score: -dot });
    }
    brute.sort((a, b) => b.score - a.score);
    expect(got.map((c) => c.id)).toEqual(brute.slice(0, k).map((c) => c.id));
    for (let j = 0; j < k; j++) expect(got[j].score).toBeCloseTo(brute[j].score, 9);
    expect(got[0].score).toBeGreaterThan(got[k - 1].score); // a real ranking, not ties

    const losses = await rescoreCandidates(lm, batch, vocab, triggers, position, got.map((c) => c.id));
    for (let j = 0; j < k; j++) {
      const typed = [...triggers];
      typed[position] = got[j].id;
      const plain = padBatch(
        examples.map((e) => [...typed, ...e.prompt, ...e.target]),
        examples.map((e) => [...typed.map(() => IGNORE_INDEX), ...e.prompt.map(() => IGNORE_INDEX), ...e.target]),
        padId(lm.config),
        'right',
      );
      const reference = await lm.lossAndGrad(plain, {}, { grad: false });
      expect(Math.abs(losses[j] - reference.loss)).toBeLessThan(1e-6);
    }
    // The losses differ between candidates: the re-scoring is what decides, not the first-order score.
    expect(new Set(losses.map((l) => l.toFixed(6))).size).toBeGreaterThan(1);
  });

  it('a short search never returns a prompt worse on its scoring set than the start', async () => {
    const start = session.tokenizer!.encode(' the the the');
    const r = await discoverAutoPrompt(lm, vocab, data.train, { triggerLength: 3, iterations: 3, candidates: 3, batchSize: 4, scoreExamples: 8, seed: 3, initIds: start });
    expect(r.steps).toBe(3);
    expect(r.ids).toHaveLength(3);
    expect(r.scoreLoss).toBeLessThanOrEqual(r.initialScoreLoss);
    expect(r.ids.every((id) => vocab.allowed[id] === 1)).toBe(true);
  });
});
