import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../cli/node-files.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import { evaluateGeneration, greedyGenerate } from '../../src/tuning/evaluate.ts';
import { generateByRecompute } from '../../src/engine/model/generate.ts';

// The playground's path on the CPU fallback (the float64 reference), with the real demo tokenizer and template:
// temperature, top-k and seed do what the fields say; greedy generation for evaluation uses the KV cache and
// gives the tokens of the full recompute.
const session = new TuningSession();
beforeAll(async () => {
  await session.loadModel(directoryModelFiles('public/models/demo'), null);
  const d = session.setDataset(
    { text: readFileSync('public/datasets/sentiment-code.csv', 'utf8'), fileName: 'sentiment-code.csv', template: 'Review: {input}\nCode:', validationFraction: 0.2, seed: 1 },
    8,
  );
  expect(d.ok).toBe(true);
});

const INPUT = 'the staff felt brilliant and the trip was joyful';

describe('session.generate (playground) on the CPU engine', () => {
  it('greedy at temperature 0 whatever top-k, and at top-k 1 whatever temperature', async () => {
    const greedy = await session.generate(INPUT, 12, {});
    expect(greedy.length).toBeGreaterThan(0);
    expect(await session.generate(INPUT, 12, {}, { temperature: 0, topK: 40, seed: 5 })).toBe(greedy);
    expect(await session.generate(INPUT, 12, {}, { temperature: 1.7, topK: 1, seed: 5 })).toBe(greedy);
  });

  it('sampling: the same seed gives the same text; other seeds give other texts', async () => {
    // The demo model is sure of its one-word answer (then EOS): a hot temperature over the whole vocabulary
    // is what makes the draws differ.
    const opts = { temperature: 3, topK: 0 };
    const a = await session.generate(INPUT, 16, {}, { ...opts, seed: 1 });
    expect(await session.generate(INPUT, 16, {}, { ...opts, seed: 1 })).toBe(a);
    const texts = new Set<string>([a]);
    for (const seed of [2, 3, 4, 5]) texts.add(await session.generate(INPUT, 16, {}, { ...opts, seed }));
    expect(texts.size).toBeGreaterThan(2);
  });

  it('evaluation greedy generation (KV cache) = full recompute, stopping at EOS', async () => {
    const lm = session.lm!;
    const ex = session.dataset!.validation[0];
    const eos = session.tokenizer!.eosTokenId!;
    const cached = await greedyGenerate(lm, ex.prompt, {}, 20, [eos]);
    const full = await generateByRecompute(lm, ex.prompt, {}, { maxNewTokens: 20, stopIds: [eos] });
    expect(cached).toEqual(full.tokens);
    expect(full.stop).toBe('stop-id'); // the demo model ends its answer
    const report = await evaluateGeneration(lm, session.dataset!.validation.slice(0, 3), {}, (ids) => session.tokenizer!.decode(ids), [eos]);
    expect(report.predictions).toHaveLength(3);
  });
});
