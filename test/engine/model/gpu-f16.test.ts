import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openChromiumPage, type PageSession } from '../../../cli/chromium.ts';
import { defaultGoldenDir } from '../../../cli/golden-case.ts';
import type { Errors, F16HarnessRequest, F16HarnessResult } from '../../browser/f16-harness.ts';

// f16 weight storage end to end on WebGPU (headless Chromium; SwiftShader here). The engine storing its matrices as
// halves matches the float64 reference run on the same half-rounded weights within the golden runner's f32
// tolerances (loss 1e-5·loss, logits 1e-4, gradient 1e-4·max|grad|), for a soft prompt and a prefix; it differs
// from the f32 engine by more than those tolerances (the rounding is real: most weights move), so the f16 path is
// what ran. Demo model (Llama layout: RMSNorm, RoPE, SwiGLU, tied head) and the golden GPT-2 model (learned
// positions stored as halves, Conv1D transposed then halved, biases and LayerNorm kept f32).
const TOL: Errors = { loss: 1e-5, logits: 1e-4, grad: 1e-4 };
const within = (e: Errors) => e.loss <= TOL.loss && e.logits <= TOL.logits && e.grad <= TOL.grad;
const fmt = (e: Errors) => `loss ${e.loss.toExponential(1)}, logits ${e.logits.toExponential(1)}, grad ${e.grad.toExponential(1)}`;

let session: PageSession;
beforeAll(async () => {
  session = await openChromiumPage('test/browser/f16-harness.html', 'f16Harness');
}, 180_000);
afterAll(async () => session?.close());

const gpt2 = (): F16HarnessRequest => {
  const dir = join(defaultGoldenDir(), 'gpt2-prefix');
  return { configJson: readFileSync(join(dir, 'config.json'), 'utf8'), model: readFileSync(join(dir, 'model.safetensors')).toString('base64'), newTokens: 6 };
};

const models: [string, () => F16HarnessRequest][] = [
  ['demo model', () => ({ newTokens: 8 })],
  ['golden gpt2 model', gpt2],
];

describe('f16 weight storage (WebGPU)', () => {
  for (const [name, req] of models) {
    it(`${name}: f16 engine = float64 on the rounded weights; ≠ f32 engine; half the weight bytes; cached generation`, async () => {
      const r: F16HarnessResult = await session.page.evaluate((q) => window.f16Harness.run(q), req());
      console.log(
        `${name}: weights ${r.weightBytes.f32} B f32, ${r.weightBytes.f16} B f16; ${(100 * r.roundedFraction).toFixed(1)}% of half-stored values rounded\n` +
          r.cases.map((c) => `  ${c.name}: f16 vs float64(rounded) ${fmt(c.f16VsReference)} | f32 vs float64(rounded) ${fmt(c.f32VsReference)} | f16 vs f32 ${fmt(c.f16VsF32)}`).join('\n') +
          `\n  generation ${r.generation.cached.join(' ')}; max |Δ logit| vs recompute ${r.generation.maxLogitDiff.toExponential(1)}, vs float64 ${r.generation.maxLogitDiffReference.toExponential(1)}`,
      );
      expect(r.storages).toEqual(['f32', 'f16']);
      expect(r.roundedFraction).toBeGreaterThan(0.5);
      for (const c of r.cases) {
        expect(within(c.f16VsReference), `${c.name}: f16 vs float64 ${fmt(c.f16VsReference)}`).toBe(true);
        // The f32 engine computes on other weights: outside the tolerance against the rounded reference and the f16 engine.
        expect(within(c.f16VsF32), `${c.name}: f16 vs f32 ${fmt(c.f16VsF32)}`).toBe(false);
        expect(within(c.f32VsReference), `${c.name}: f32 vs float64(rounded) ${fmt(c.f32VsReference)}`).toBe(false);
      }
      // Matrices take 2 bytes a value instead of 4; norms and biases stay f32.
      expect(r.weightBytes.f16).toBeLessThan(0.55 * r.weightBytes.f32);
      expect(r.weightBytes.f16).toBeGreaterThan(0.45 * r.weightBytes.f32);
      expect(r.generation.cached).toHaveLength(req().newTokens);
      expect(r.generation.cached).toEqual(r.generation.recompute);
      expect(r.generation.cached).toEqual(r.generation.reference);
      expect(r.generation.maxLogitDiff).toBeLessThan(1e-4);
      expect(r.generation.maxLogitDiffReference).toBeLessThan(1e-4);
    }, 300_000);
  }
});

describe('f16 weight storage chosen by the studio session (worker: loadModel with weightStorage auto)', () => {
  it('BF16 checkpoint → f16; the F32 demo model → f32', async () => {
    const b64 = (path: string) => readFileSync(path).toString('base64');
    const demo = 'public/models/demo';
    const tokenizer = { 'tokenizer.json': b64(join(demo, 'tokenizer.json')), 'tokenizer_config.json': b64(join(demo, 'tokenizer_config.json')) };
    const bf16 = join(defaultGoldenDir(), 'llama-bf16-prompt');
    const half = await session.page.evaluate((f) => window.f16Harness.sessionStorage(f), { ...tokenizer, 'config.json': b64(join(bf16, 'config.json')), 'model.safetensors': b64(join(bf16, 'model.safetensors')) });
    const full = await session.page.evaluate((f) => window.f16Harness.sessionStorage(f), { ...tokenizer, 'config.json': b64(join(demo, 'config.json')), 'model.safetensors': b64(join(demo, 'model.safetensors')) });
    expect([half, full]).toEqual(['f16', 'f32']);
  }, 120_000);
});
