import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChromiumPage, type PageSession } from '../../../cli/chromium.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultGoldenDir } from '../../../cli/golden-case.ts';
import type { GenerationHarnessResult, ModelGenerationRequest } from '../../browser/generation-harness.ts';

// KV-cache generation on WebGPU (headless Chromium; SwiftShader here) on the bundled demo model: the cached greedy
// tokens equal the full recompute's on the same engine and the float64 reference's, for no extra input, a soft
// prompt and a prefix; the cached logits stay within 1e-4 of the recompute's at every step; top-k 1 is greedy;
// a seed reproduces a sample, which only ever draws from the top k; steps create no GPU buffers.
let session: PageSession;
let r: GenerationHarnessResult;
const N = 12;
beforeAll(async () => {
  session = await openChromiumPage('test/browser/generation-harness.html', 'generationHarness');
  r = await session.page.evaluate((n) => window.generationHarness.run(n), N);
}, 400_000);
afterAll(async () => session?.close());

describe('WebGPU KV-cache generation (demo model)', () => {
  for (const name of ['no extra input', 'soft prompt', 'prefix']) {
    it(`${name}: cached = full recompute = float64 reference`, () => {
      const c = r.cases.find((x) => x.name === name)!;
      console.log(`${name}: ${c.cached.join(' ')}; max |Δ logit| cached vs recompute ${c.maxLogitDiff.toExponential(2)}, vs float64 ${c.maxLogitDiffReference.toExponential(2)}`);
      expect(c.cached).toHaveLength(N);
      expect(c.cached).toEqual(c.recompute);
      expect(c.cached).toEqual(c.reference);
      expect(c.maxLogitDiff).toBeLessThan(1e-4);
      expect(c.maxLogitDiffReference).toBeLessThan(1e-4);
      if (name !== 'no extra input') {
        // The exported key/value cache (kv-cache.safetensors) read off the GPU decoder = the float64 decoder's.
        console.log(`${name}: prompt cache GPU vs float64 max |Δ| ${c.promptCacheDiff!.toExponential(2)} (values up to ${c.promptCacheMax!.toFixed(2)})`);
        expect(c.promptCacheMax).toBeGreaterThan(0.1);
        expect(c.promptCacheDiff).toBeLessThan(1e-4 * c.promptCacheMax!);
      }
    });
  }

  it('the three starts generate different text (the extra input reaches the cache)', () => {
    expect(new Set(r.cases.map((c) => c.cached.join())).size).toBe(3);
  });

  it('top-k 1 is greedy; seeded sampling is reproducible, seed-dependent and stays in the top k', () => {
    expect(r.topK1).toEqual(r.greedy);
    expect(r.sampled).toHaveLength(N);
    expect(r.sampledAgain).toEqual(r.sampled);
    expect(r.sampledOtherSeed).not.toEqual(r.sampled);
    expect(r.sampledInTopK.every(Boolean)).toBe(true);
  });

  it('no GPU buffer is created once the decoder exists', () => {
    expect(r.buffersCreatedDuringSteps).toBe(0);
  });

  it('a generation and a forward issued together both get their own answer (calls run one at a time)', () => {
    expect(r.concurrent.tokens).toEqual(r.concurrent.alone);
    expect(r.concurrent.logitsDiff).toBe(0);
  });
});

// The step program's other family branches: learned positions + LayerNorm + GELU + biases (GPT-2), MQA (Llama,
// one kv head), q/k/v biases (Qwen2) on the golden models with their PEFT tables, and q/k norms (Qwen3) on random
// weights. GPT-2's 64 positions also make the cached loop stop where the recompute stops.
const golden = (name: string) => {
  const dir = join(defaultGoldenDir(), name);
  const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { method: 'prompt' | 'prefix'; num_virtual_tokens: number };
  return {
    configJson: readFileSync(join(dir, 'config.json'), 'utf8'),
    model: readFileSync(join(dir, 'model.safetensors')).toString('base64'),
    caseTensors: readFileSync(join(dir, 'case.safetensors')).toString('base64'),
    method: c.method,
    virtualTokens: c.num_virtual_tokens,
  };
};
const ids = (n: number, V: number) => Array.from({ length: n }, (_, i) => (i * 37 + 11) % V);
const qwen3 = JSON.stringify({ model_type: 'qwen3', hidden_size: 64, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 32, intermediate_size: 96, num_hidden_layers: 2, vocab_size: 300, max_position_embeddings: 128, rms_norm_eps: 1e-6, rope_theta: 1e6, tie_word_embeddings: true });

// Gemma 3 with a sliding window of 6 over 4 virtual + 12 prompt + 8 new tokens: the decode step must drop exactly the
// keys the training forward's window drops (and use the sliding layer's own RoPE base).
const gemma3 = JSON.stringify({ model_type: 'gemma3_text', hidden_size: 64, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 32, intermediate_size: 96,
  num_hidden_layers: 2, layer_types: ['sliding_attention', 'full_attention'], sliding_window: 6, query_pre_attn_scalar: 24, rope_local_base_freq: 10000,
  rope_theta: 1e6, vocab_size: 300, max_position_embeddings: 128, rms_norm_eps: 1e-6, tie_word_embeddings: true, hidden_activation: 'gelu_pytorch_tanh' });

const families: [string, () => ModelGenerationRequest, string][] = [
  ['gpt2-prefix (runs out of its 64 positions)', () => ({ ...golden('gpt2-prefix'), prompt: ids(50, 257), newTokens: 30 }), 'max-positions'],
  ['llama-bf16-prompt (MQA)', () => ({ ...golden('llama-bf16-prompt'), prompt: ids(12, 256), newTokens: 8 }), 'max-tokens'],
  ['qwen2-prefix (qkv bias)', () => ({ ...golden('qwen2-prefix'), prompt: ids(12, 200), newTokens: 8 }), 'max-tokens'],
  ['qwen3 random weights (q/k norm), soft prompt', () => ({ configJson: qwen3, method: 'prompt', virtualTokens: 4, prompt: ids(12, 300), newTokens: 8 }), 'max-tokens'],
  ['gemma3-prefix (golden weights and table)', () => ({ ...golden('gemma3-prefix'), prompt: ids(12, 262), newTokens: 8 }), 'max-tokens'],
  ['gemma3 random weights, sliding window 6, soft prompt', () => ({ configJson: gemma3, method: 'prompt', virtualTokens: 4, prompt: ids(12, 300), newTokens: 8 }), 'max-tokens'],
  ['gemma3 random weights, sliding window 6, prefix', () => ({ configJson: gemma3, method: 'prefix', virtualTokens: 4, prompt: ids(12, 300), newTokens: 8 }), 'max-tokens'],
];

describe('WebGPU KV-cache generation, other families', () => {
  for (const [name, req, stop] of families) {
    it(name, async () => {
      const q = req();
      const m = await session.page.evaluate((x) => window.generationHarness.runModel(x), q);
      console.log(`${name}: ${m.cached.join(' ')} (${m.stops[0]}); max |Δ logit| vs recompute ${m.maxLogitDiff.toExponential(2)}, vs float64 ${m.maxLogitDiffReference.toExponential(2)}`);
      expect(m.stops).toEqual([stop, stop, stop]);
      if (stop === 'max-tokens') expect(m.cached).toHaveLength(q.newTokens);
      else expect(m.cached).toHaveLength(64 - q.virtualTokens - q.prompt.length + 1);
      expect(m.cached).toEqual(m.recompute);
      expect(m.cached).toEqual(m.reference);
      // The tiny golden models often repeat one token; the per-step logits are what tell a wrong position apart.
      expect(m.maxLogitDiff).toBeLessThan(1e-4);
      expect(m.maxLogitDiffReference).toBeLessThan(1e-4);
    }, 120_000);
  }
});
