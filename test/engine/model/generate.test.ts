import { beforeAll, describe, expect, it } from 'vitest';
import { directoryModelFiles } from '../../../cli/node-files.ts';
import { loadModel, type LoadedModel } from '../../../src/engine/io/load-model.ts';
import { ReferenceCausalLM } from '../../../src/engine/reference/reference-lm.ts';
import { ReferenceKvDecoder } from '../../../src/engine/reference/kv-decoder.ts';
import { generateByRecompute, runGeneration } from '../../../src/engine/model/generate.ts';
import { argmax, sampleToken, SamplingRng, topKIds } from '../../../src/engine/model/sampling.ts';
import { generationCases, GENERATION_PROMPT } from './generation-cases.ts';

// Generation with a KV cache on the float64 reference (the CPU fallback), against the full recompute on the same
// reference, on the bundled demo model; and the sampler on its own.
let demo: LoadedModel;
beforeAll(async () => {
  demo = await loadModel(directoryModelFiles('public/models/demo'));
});

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('reference KV-cache generation = full recompute (demo model)', () => {
  for (const name of ['no extra input', 'soft prompt', 'prefix']) {
    it(name, async () => {
      const lm = new ReferenceCausalLM(demo.config, demo.weights);
      const { extras } = generationCases(demo.config, demo.weights).find((c) => c.name === name)!;
      const cached: Float32Array[] = [];
      const full: Float32Array[] = [];
      const a = await lm.generate(GENERATION_PROMPT, extras, { maxNewTokens: 12, onLogits: (z) => cached.push(z) });
      const b = await generateByRecompute(lm, GENERATION_PROMPT, extras, { maxNewTokens: 12, onLogits: (z) => full.push(z) });
      expect(a.tokens).toHaveLength(12);
      expect(a.stop).toBe('max-tokens');
      expect(a.tokens).toEqual(b.tokens);
      expect(cached).toHaveLength(12);
      for (let k = 0; k < 12; k++) expect(maxDiff(cached[k], full[k]), `step ${k}`).toBeLessThan(1e-4);
    });
  }

  it('the extra input changes what is generated (so the cases above test something)', async () => {
    const lm = new ReferenceCausalLM(demo.config, demo.weights);
    const outs = [];
    for (const c of generationCases(demo.config, demo.weights)) outs.push((await lm.generate(GENERATION_PROMPT, c.extras, { maxNewTokens: 8 })).tokens.join(','));
    expect(new Set(outs).size).toBe(3);
  });

  it('top-k 1 is greedy at any temperature; a seed makes sampling reproducible and it only draws from the top k', async () => {
    const lm = new ReferenceCausalLM(demo.config, demo.weights);
    const { extras } = generationCases(demo.config, demo.weights)[1];
    const greedy = await lm.generate(GENERATION_PROMPT, extras, { maxNewTokens: 10 });
    expect((await lm.generate(GENERATION_PROMPT, extras, { maxNewTokens: 10, temperature: 1.5, topK: 1, seed: 3 })).tokens).toEqual(greedy.tokens);
    const allowed: number[][] = [];
    const opts = { maxNewTokens: 16, temperature: 1.3, topK: 4, seed: 7 };
    const s1 = await lm.generate(GENERATION_PROMPT, extras, { ...opts, onLogits: (z) => allowed.push(topKIds(z, 4)) });
    const s2 = await lm.generate(GENERATION_PROMPT, extras, opts);
    const s3 = await lm.generate(GENERATION_PROMPT, extras, { ...opts, seed: 8 });
    expect(s2.tokens).toEqual(s1.tokens);
    expect(s3.tokens).not.toEqual(s1.tokens);
    expect(s1.tokens).not.toEqual(greedy.tokens.slice(0, s1.tokens.length)); // it does sample
    s1.tokens.forEach((t, k) => expect(allowed[k], `step ${k}`).toContain(t));
    // The cached sampler draws what the full recompute draws with the same seed.
    expect((await generateByRecompute(lm, GENERATION_PROMPT, extras, opts)).tokens).toEqual(s1.tokens);
  });

  it('stops on a stop id (not emitted) and when the positions run out', async () => {
    const lm = new ReferenceCausalLM(demo.config, demo.weights);
    const greedy = await lm.generate(GENERATION_PROMPT, {}, { maxNewTokens: 6 });
    const stopped = await lm.generate(GENERATION_PROMPT, {}, { maxNewTokens: 6, stopIds: [greedy.tokens[3]] });
    expect(stopped.stop).toBe('stop-id');
    expect(stopped.tokens).toEqual(greedy.tokens.slice(0, greedy.tokens.indexOf(greedy.tokens[3])));
    // 256 positions: a 250-token prompt after 5 prefix rows leaves room to feed 1 more token, so 2 come out.
    const { extras: x } = generationCases(demo.config, demo.weights)[2];
    const long = Array.from({ length: 250 }, (_, i) => (i * 37) % 1000);
    const near = await lm.generate(long, x, { maxNewTokens: 50 });
    expect(near.stop).toBe('max-positions');
    expect(near.tokens).toHaveLength(256 - 255 + 1);
    expect((await generateByRecompute(lm, long, x, { maxNewTokens: 50 })).tokens).toEqual(near.tokens);
    await expect(lm.generate(Array.from({ length: 252 }, () => 5), x, { maxNewTokens: 1 })).rejects.toThrow(/needs 257 positions .* has 256/);
  });

  it('a decoder step after a new prefill starts a new sequence', async () => {
    const d = new ReferenceKvDecoder(demo.config, demo.weights);
    const one = await runGeneration(d, GENERATION_PROMPT, {}, { maxNewTokens: 5 });
    await runGeneration(d, [3, 4, 5], {}, { maxNewTokens: 5 });
    expect((await runGeneration(d, GENERATION_PROMPT, {}, { maxNewTokens: 5 })).tokens).toEqual(one.tokens);
    expect(d.length).toBe(GENERATION_PROMPT.length + 4);
  });
});

describe('sampler', () => {
  const logits = Float32Array.from([0.5, 2, -1, 2, 1, 0]);
  it('greedy picks the first largest logit; top-k orders by logit, ties to the lower id', () => {
    expect(argmax(logits)).toBe(1);
    expect(topKIds(logits, 3)).toEqual([1, 3, 4]);
    expect(topKIds(logits, 6)).toEqual([1, 3, 4, 0, 5, 2]);
    expect(sampleToken(logits, { temperature: 0, topK: 3 }, new SamplingRng(1))).toBe(1);
    expect(() => argmax(Float32Array.from([NaN, NaN]))).toThrow(/non-finite/);
  });
  it('draws follow softmax(logits / T) over the top k', () => {
    const rng = new SamplingRng(42);
    const n = 20000;
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < n; i++) counts[sampleToken(logits, { temperature: 2, topK: 3 }, rng)]++;
    const w = [2, 2, 1].map((z) => Math.exp(z / 2));
    const sum = w.reduce((a, b) => a + b);
    expect(counts[0] + counts[2] + counts[5]).toBe(0);
    expect(Math.abs(counts[1] / n - w[0] / sum)).toBeLessThan(0.015);
    expect(Math.abs(counts[3] / n - w[1] / sum)).toBeLessThan(0.015);
    expect(Math.abs(counts[4] / n - w[2] / sum)).toBeLessThan(0.015);
  });
  it('rejects bad options', async () => {
    const lm = new ReferenceCausalLM(demo.config, demo.weights);
    await expect(lm.generate([1], {}, { maxNewTokens: 2, temperature: -1 })).rejects.toThrow(/temperature/);
    await expect(lm.generate([1], {}, { maxNewTokens: 2, topK: 1.5 })).rejects.toThrow(/top-k/);
    await expect(lm.generate([5000], {}, { maxNewTokens: 2 })).rejects.toThrow(/outside the vocabulary/);
  });
});
