import { describe, expect, it } from 'vitest';
import { parseModelConfig, prefixRowWidth } from '../../../src/engine/model/config.ts';
import { tensor, type RandomSource } from '../../../src/tuning/nn/dense.ts';
import { METHODS } from '../../../src/tuning/methods/registry.ts';
import type { MethodOptions } from '../../../src/tuning/methods/method.ts';
import { methodFor } from '../../../src/tuning/methods/registry.ts';

// Each method's backward against central finite differences of a linear probe of its output:
// loss = Σ r ⊙ extra, so d loss / d extra = r and every parameter gradient is checkable.
function rng(seed: number): RandomSource {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

const cfg = parseModelConfig({
  model_type: 'llama', hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
  intermediate_size: 16, vocab_size: 20, max_position_embeddings: 32, rms_norm_eps: 1e-6, rope_theta: 10000,
});
const embed = tensor([20, 8], Float32Array.from({ length: 160 }, (_, i) => Math.sin(i)));

const cases: MethodOptions[] = [
  { method: 'prompt', virtualTokens: 3, init: 'vocab', initText: '' },
  { method: 'prefix', virtualTokens: 3, projection: false, encoderHidden: 5 },
  { method: 'prefix', virtualTokens: 3, projection: true, encoderHidden: 5 },
  { method: 'ptuning', virtualTokens: 3, encoder: 'MLP', encoderHidden: 6 },
  { method: 'ptuning', virtualTokens: 3, encoder: 'LSTM', encoderHidden: 4 },
];

describe('tuning methods: encoder backward vs finite differences', () => {
  for (const options of cases) {
    const label = JSON.stringify(options);
    it(label, () => {
      const method = methodFor(options);
      const r = rng(7);
      const params = method.init({ cfg, embed, rng: r }, options);
      // Use f64-exact parameters so finite differences are clean: round-trip through f32 already happened.
      const fwd = method.forward(params, options, cfg);
      const extra = fwd.extras.promptEmbeds ?? fwd.extras.prefix!;
      const width = options.method === 'prefix' ? prefixRowWidth(cfg) : cfg.hidden;
      expect(extra.length).toBe(options.virtualTokens * width);
      const probe = Float32Array.from({ length: extra.length }, () => r.normal());
      const probeLoss = () => {
        const e = method.forward(params, options, cfg).extras;
        const x = e.promptEmbeds ?? e.prefix!;
        let s = 0;
        for (let i = 0; i < x.length; i++) s += probe[i] * x[i];
        return s;
      };
      const grads = method.backward(params, options, cfg, fwd, probe);
      let worst = 0;
      for (const [name, t] of Object.entries(params)) {
        const g = grads[name];
        expect(g.length, name).toBe(t.data.length);
        for (let i = 0; i < t.data.length; i += Math.max(1, Math.floor(t.data.length / 12))) {
          const orig = t.data[i];
          const h = 1e-3 * Math.max(1, Math.abs(orig));
          t.data[i] = orig + h;
          const hi = Math.fround(orig + h) - orig;
          const up = probeLoss();
          t.data[i] = orig - h;
          const lo = orig - Math.fround(orig - h);
          const down = probeLoss();
          t.data[i] = orig;
          const numeric = (up - down) / (hi + lo);
          const err = Math.abs(numeric - g[i]) / (1e-2 + Math.abs(numeric) + Math.abs(g[i]));
          worst = Math.max(worst, err);
          expect(err, `${name}[${i}]: numeric ${numeric} vs analytic ${g[i]}`).toBeLessThan(2e-2);
        }
      }
      expect(worst).toBeLessThan(2e-2);
      // The exported table equals what the engine saw.
      const table = method.exportTable(params, options, cfg);
      expect(table.shape).toEqual([options.virtualTokens, width]);
      expect(Array.from(table.data)).toEqual(Array.from(extra));
    });
  }

  it('registers every method by name', () => {
    expect(Object.keys(METHODS).sort()).toEqual(['prefix', 'prompt', 'ptuning']);
  });
});
