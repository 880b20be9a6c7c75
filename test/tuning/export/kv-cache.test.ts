import { beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORT_WASM_BYTES } from '../../../src/worker/protocol.ts';
import { AutoModelForCausalLM, AutoTokenizer, env, Tensor, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { directoryModelFiles } from '../../../cli/node-files.ts';
import { loadModel, type LoadedModel } from '../../../src/engine/io/load-model.ts';
import { padBatch, type ExtraInputs } from '../../../src/engine/model/batch.ts';
import { prefixRowWidth } from '../../../src/engine/model/config.ts';
import { ReferenceCausalLM } from '../../../src/engine/reference/reference-lm.ts';
import { buildKvCacheFile, keyName, valueName } from '../../../src/tuning/export/kv-cache.ts';
import { floatToHalf, halfToFloat } from '../../../src/engine/io/safetensors.ts';
import { cacheType, float16Bits, freshCache, generateWithPrompt, readPromptCache } from '../../../src/tuning/export/use-with-transformers-js.mjs';
import { Rng } from '../../../src/tuning/random.ts';

// The exported cache against a second runtime: transformers.js on onnxruntime-node running the demo model's ONNX
// export (tools/demo-model/export_onnx.py), with the snippet users get (use-with-transformers-js.mjs), against
// the studio's float64 reference engine given the soft prompt or prefix itself. The browser e2e does the same on
// onnxruntime-web with trained prompts.
let demo: LoadedModel;
let lm: ReferenceCausalLM;
let model: PreTrainedModel;
let tokenizer: PreTrainedTokenizer;
const TEXT = 'Review: the staff felt brilliant and the trip was joyful\nCode:';
const EOS = 1022;

beforeAll(async () => {
  demo = await loadModel(directoryModelFiles('public/models/demo'));
  lm = new ReferenceCausalLM(demo.config, demo.weights);
  Object.assign(env, { allowLocalModels: true, allowRemoteModels: false, localModelPath: 'public/models/' });
  model = await AutoModelForCausalLM.from_pretrained('demo', { dtype: 'fp32' });
  tokenizer = await AutoTokenizer.from_pretrained('demo');
});

/** A soft prompt of real token embeddings (what a vocabulary init starts from), or a random prefix of their scale. */
function prompts(): { name: string; method: string; extras: ExtraInputs }[] {
  const { hidden: C } = demo.config;
  const E = demo.weights.embed.data;
  const P = 5;
  const embeds = new Float32Array(P * C);
  [17, 300, 45, 9, 611].forEach((id, p) => embeds.set(E.subarray(id * C, (id + 1) * C), p * C));
  const rng = new Rng(3);
  const prefix = Float32Array.from({ length: P * prefixRowWidth(demo.config) }, () => rng.normal() * 0.8);
  return [
    { name: 'soft prompt', method: 'prompt', extras: { promptEmbeds: embeds, virtualTokens: P } },
    { name: 'prefix', method: 'prefix', extras: { prefix, virtualTokens: P } },
  ];
}

const rowFormat = { chat_template: false, prompt_special_tokens: { prefix: [], prefix_ids: [], suffix: [], suffix_ids: [], rule: 'none' } };

describe('kv-cache.safetensors', () => {
  it('the studio states the size of the onnxruntime-web wasm Try it in transformers.js downloads', () => {
    expect(statSync('node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm').size).toBe(ORT_WASM_BYTES);
  });

  it('holds [1, KVH, P, hd] per layer in the names transformers.js uses, with metadata, and reads back', async () => {
    const { extras } = prompts()[0];
    const cache = await lm.promptCache(extras);
    const bytes = buildKvCacheFile(cache, demo.config, { modelLabel: 'HuggingFaceTB/SmolLM2-135M@main', method: 'prompt', rowFormat });
    const file = readPromptCache(bytes, model.config as never);
    expect(file.meta).toMatchObject({ model_id: 'HuggingFaceTB/SmolLM2-135M', revision: 'main', method: 'prompt', num_virtual_tokens: '5', num_hidden_layers: '4' });
    expect(Object.keys(file.tensors)).toHaveLength(8);
    expect(file.tensors[keyName(0)].dims).toEqual([1, 2, 5, 32]);
    // Head-major: element [0, h, p, d] is the engine's row p, column h·hd + d.
    const [h, p, d] = [1, 3, 7];
    expect(file.tensors[keyName(2)].data[(h * 5 + p) * 32 + d]).toBe(cache.keys[2][p * 64 + h * 32 + d]);
    expect(file.tensors[valueName(3)].data[(0 * 5 + 4) * 32 + 31]).toBe(cache.values[3][4 * 64 + 31]);
    expect(file.positions).toBe(5);
  });

  it('a cache made for another model says which model, layers and heads', async () => {
    const bytes = buildKvCacheFile(await lm.promptCache(prompts()[0].extras), demo.config, { modelLabel: 'demo (bundled)', method: 'prompt', rowFormat });
    expect(() => readPromptCache(bytes, { num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, hidden_size: 576 })).toThrow(/exported for demo \(bundled\) \(4 layers.*30 layers, 3 KV heads of 64/);
    expect(() => readPromptCache(new Uint8Array(16))).toThrow();
  });

  for (const [k, name] of ['soft prompt', 'prefix'].entries())
    it(`${name}: transformers.js with the cache = the engine with the ${name} (logits and greedy tokens)`, async () => {
      const { method, extras } = prompts()[k];
      const bytes = buildKvCacheFile(await lm.promptCache(extras), demo.config, { modelLabel: 'demo (bundled)', method, rowFormat });
      const prompt = readPromptCache(bytes, model.config as never);
      const ids = tokenizer.encode(TEXT, { add_special_tokens: false });
      const P = prompt.positions;
      const out = (await model({
        input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        attention_mask: new Tensor('int64', new BigInt64Array(P + ids.length).fill(1n), [1, P + ids.length]),
        past_key_values: freshCache(prompt, model),
      })) as { logits: Tensor };
      const V = demo.config.vocabSize;
      const theirs = (out.logits.data as Float32Array).slice((ids.length - 1) * V, ids.length * V);
      const ours = await lm.lastLogits(padBatch([ids], [ids.map(() => -100)], 0, 'right'), extras);
      const untuned = await lm.lastLogits(padBatch([ids], [ids.map(() => -100)], 0, 'right'), {});
      const gap = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
      expect(gap(theirs, ours)).toBeLessThan(1e-4);
      expect(gap(ours, untuned)).toBeGreaterThan(0.05); // the prompt matters, so agreement is not by chance

      const r = await generateWithPrompt({ model, tokenizer, prompt, text: TEXT, maxNewTokens: 12 });
      expect(r.inputIds).toEqual(ids);
      const engine = await lm.generate(ids, extras, { maxNewTokens: 12, stopIds: [EOS] });
      expect(r.ids).toEqual(engine.tokens);
      // A second call gives the same reply: the snippet hands generate() a fresh cache each time.
      expect((await generateWithPrompt({ model, tokenizer, prompt, text: TEXT, maxNewTokens: 12 })).ids).toEqual(r.ids);
    });
});

// A model loaded with dtype 'fp16' or 'q4f16' (the usual choice on WebGPU) takes its cache in float16. The test model
// is the demo export with a float16 cache interface and float16 weights (tools/demo-model/export_onnx_fp16.py), in
// the Hub layout transformers.js loads for dtype 'fp16' (onnx/model_fp16.onnx).
describe('kv-cache.safetensors on a model with a float16 cache', () => {
  let fp16: PreTrainedModel;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'demo-fp16-'));
    mkdirSync(join(root, 'demo-fp16', 'onnx'), { recursive: true });
    for (const f of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join('public/models/demo', f), join(root, 'demo-fp16', f));
    copyFileSync('test/fixtures/demo-onnx-fp16/model_fp16.onnx', join(root, 'demo-fp16', 'onnx', 'model_fp16.onnx'));
    const before = env.localModelPath;
    env.localModelPath = root;
    try {
      fp16 = await AutoModelForCausalLM.from_pretrained('demo-fp16', { dtype: 'fp16' });
    } finally {
      env.localModelPath = before;
    }
  });

  it('the snippet asks the model for its cache type', () => {
    expect(cacheType(fp16)).toBe('float16');
    expect(cacheType(model)).toBe('float32');
  });

  it("rounds to float16 as the engine's float16 storage does (every half value, ties, random values)", () => {
    const halves = Float32Array.from({ length: 0x10000 }, (_, h) => halfToFloat(h)).filter((x) => !Number.isNaN(x));
    const rng = new Rng(11);
    const ties = Float32Array.from({ length: 20_000 }, (_, i) => (halfToFloat(i) + halfToFloat(i + 1)) / 2);
    const random = Float32Array.from({ length: 100_000 }, (_, i) => rng.normal() * 10 ** ((i % 13) - 8));
    const extremes = Float32Array.of(65504, 65519.99, 65520, 1e9, -1e9, Infinity, -Infinity, 2 ** -25, 2 ** -25 * 1.0001, 2 ** -26, 0, -0);
    for (const values of [halves, ties, random, extremes]) {
      const ours = float16Bits(values);
      const wrong = [...values].filter((x, i) => ours[i] !== floatToHalf(x));
      expect(wrong.slice(0, 5)).toEqual([]);
    }
    expect(float16Bits(Float32Array.of(NaN))[0] & 0x7fff).toBeGreaterThan(0x7c00);
  });

  for (const [k, name] of ['soft prompt', 'prefix'].entries())
    it(`${name}: transformers.js with the float16 cache = the engine with the ${name} (greedy tokens)`, async () => {
      const { method, extras } = prompts()[k];
      const bytes = buildKvCacheFile(await lm.promptCache(extras), demo.config, { modelLabel: 'demo (bundled)', method, rowFormat });
      const prompt = readPromptCache(bytes, fp16.config as never);
      const ids = tokenizer.encode(TEXT, { add_special_tokens: false });
      const P = prompt.positions;
      const feeds = (past_key_values: ReturnType<typeof freshCache>) => ({
        input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        attention_mask: new Tensor('int64', new BigInt64Array(P + ids.length).fill(1n), [1, P + ids.length]),
        past_key_values,
      });
      // The float32 cache the file holds is refused by this model: the cache type is not a detail.
      const quiet = vi.spyOn(console, 'error').mockImplementation(() => {}); // transformers.js prints every input
      await expect(fp16(feeds(freshCache(prompt)))).rejects.toThrow(/expected: \(tensor\(float16\)\)/);
      quiet.mockRestore();
      const out = (await fp16(feeds(freshCache(prompt, fp16)))) as { logits: Tensor };
      const V = demo.config.vocabSize;
      const theirs = Float32Array.from(out.logits.data as ArrayLike<number>).slice((ids.length - 1) * V, ids.length * V);
      const ours = await lm.lastLogits(padBatch([ids], [ids.map(() => -100)], 0, 'right'), extras);
      const untuned = await lm.lastLogits(padBatch([ids], [ids.map(() => -100)], 0, 'right'), {});
      const gap = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
      console.log(`${name}, float16 cache and weights: last-position logits within ${gap(theirs, ours).toExponential(2)} of the float64 engine; the prompt moves them by ${gap(ours, untuned).toExponential(2)}`);
      expect(gap(theirs, ours)).toBeLessThan(gap(ours, untuned) / 4);

      const r = await generateWithPrompt({ model: fp16, tokenizer, prompt, text: TEXT, maxNewTokens: 12 });
      const engine = await lm.generate(ids, extras, { maxNewTokens: 12, stopIds: [EOS] });
      expect(r.ids).toEqual(engine.tokens);
    });
});

