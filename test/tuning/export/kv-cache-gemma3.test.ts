import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AutoModelForCausalLM, env, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { defaultGoldenDir, loadGoldenCase, type GoldenCase } from '../../../cli/golden-case.ts';
import { padBatch } from '../../../src/engine/model/batch.ts';
import { ReferenceCausalLM } from '../../../src/engine/reference/reference-lm.ts';
import { buildKvCacheFile } from '../../../src/tuning/export/kv-cache.ts';
import { freshCache, readPromptCache } from '../../../src/tuning/export/use-with-transformers-js.mjs';

// Gemma 3 in transformers.js: it numbers Gemma 3's positions from 1 (create_position_ids' start_index) where
// transformers and this studio number them from 0, so the text after the cache would sit one position further from
// the prompt than in training. The model is the golden fixture's tiny Gemma 3 (sliding/full/sliding layers, RoPE
// bases 1e4/1e6, q/k norms) exported to ONNX by tools/onnx-fixtures/gemma3.py (checked there against the fixture's
// logits), its prompt the fixture's prompt embeddings, the reference the float64 engine.
const cases: Record<string, GoldenCase> = {};
let lm: ReferenceCausalLM;
let model: PreTrainedModel;
const IDS = [81, 155, 82, 220, 127, 91, 87, 19, 127, 243];

beforeAll(async () => {
  // Both cases hold the same model (the same model.safetensors), with a soft prompt and a prefix.
  for (const name of ['gemma3-prompt', 'gemma3-prefix']) cases[name] = await loadGoldenCase(join(defaultGoldenDir(), name));
  const c = cases['gemma3-prompt'];
  lm = new ReferenceCausalLM(c.cfg, c.weights);
  const before = env.localModelPath;
  Object.assign(env, { allowLocalModels: true, allowRemoteModels: false, localModelPath: 'test/fixtures/' });
  try {
    model = await AutoModelForCausalLM.from_pretrained('gemma3-onnx', { dtype: 'fp32' });
  } finally {
    env.localModelPath = before;
  }
});

describe('kv-cache.safetensors on Gemma 3 in transformers.js', () => {
  for (const [name, method] of [['gemma3-prompt', 'prompt'], ['gemma3-prefix', 'prefix']])
    it(`${method}: the cache gives the engine’s logits and greedy tokens (positions shifted by one for transformers.js)`, async () => {
      const c = cases[name];
      const bytes = buildKvCacheFile(await lm.promptCache(c.extras), c.cfg, { modelLabel: 'google/gemma-3-270m@main', method, rowFormat: null });
      const prompt = readPromptCache(bytes, model.config as never);
      const P = prompt.positions;
      const feeds = (past_key_values: ReturnType<typeof freshCache>) => ({
        input_ids: new Tensor('int64', BigInt64Array.from(IDS, BigInt), [1, IDS.length]),
        attention_mask: new Tensor('int64', new BigInt64Array(P + IDS.length).fill(1n), [1, P + IDS.length]),
        past_key_values,
      });
      const V = c.cfg.vocabSize;
      const last = async (cache: ReturnType<typeof freshCache>) => {
        const out = (await model(feeds(cache))) as { logits: Tensor };
        return (out.logits.data as Float32Array).slice((IDS.length - 1) * V, IDS.length * V);
      };
      const ours = await lm.lastLogits(padBatch([IDS], [IDS.map(() => -100)], 0, 'right'), c.extras);
      const gap = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
      const shifted = gap(await last(freshCache(prompt, model)), ours);
      const unshifted = gap(await last(freshCache(prompt)), ours);
      console.log(`Gemma 3 in transformers.js, ${method}: last-position logits within ${shifted.toExponential(2)} of the float64 engine; without the shift ${unshifted.toExponential(2)}`);
      expect(shifted).toBeLessThan(1e-4);
      expect(unshifted).toBeGreaterThan(100 * shifted);

      const sequences = (await model.generate({ ...feeds(freshCache(prompt, model)), max_new_tokens: 12, do_sample: false, eos_token_id: [] } as never)) as Tensor;
      const theirs = sequences.tolist()[0].slice(IDS.length).map(Number);
      const engine = await lm.generate(IDS, c.extras, { maxNewTokens: 12 });
      expect(theirs).toEqual(engine.tokens);
    });
});
