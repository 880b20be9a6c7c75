import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openHarness, type PageSession } from '../../cli/chromium.ts';
import { defaultGoldenDir } from '../../cli/golden-case.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/tuning/train-config.ts';
import type { MethodOptions } from '../../src/tuning/methods/method.ts';
import { Rng } from '../../src/tuning/random.ts';

// N AdamW steps of the trainer on the WebGPU engine (Chromium, SwiftShader here) follow the loss trajectory of the
// same trainer on the float64 reference engine: same model, data, seed and hyper-parameters.
let session: PageSession;
beforeAll(async () => {
  session = await openHarness();
}, 180_000);
afterAll(async () => session?.close());

async function files(name: string) {
  const dir = join(defaultGoldenDir(), name);
  return {
    configJson: await readFile(join(dir, 'config.json'), 'utf8'),
    caseJson: await readFile(join(dir, 'case.json'), 'utf8'),
    model: (await readFile(join(dir, 'model.safetensors'))).toString('base64'),
    caseTensors: (await readFile(join(dir, 'case.safetensors'))).toString('base64'),
  };
}

const rng = new Rng(11);
// One full batch of four examples: every step sees the same rows, so the loss must fall.
const examples = Array.from({ length: 4 }, () => ({
  prompt: Array.from({ length: 3 + rng.int(6) }, () => 3 + rng.int(150)),
  target: Array.from({ length: 1 + rng.int(3) }, () => 3 + rng.int(150)),
}));

const cases: [string, MethodOptions][] = [
  ['llama-prompt', { method: 'prompt', virtualTokens: 4, init: 'vocab', initText: '' }],
  ['gpt2-prefix', { method: 'prefix', virtualTokens: 3, projection: true, encoderHidden: 16 }],
  ['qwen2-prompt', { method: 'ptuning', virtualTokens: 4, encoder: 'MLP', encoderHidden: 16 }],
];

describe('WebGPU trainer follows the float64 reference trainer', () => {
  for (const [name, method] of cases) {
    it(`${name}, ${method.method}`, async () => {
      const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method, steps: 6, batchSize: 4, warmupSteps: 0, learningRate: 0.05, evalEvery: 0 };
      const r = await session.page.evaluate((q) => window.engineHarness.trajectory(q), { files: await files(name), config, examples });
      expect(r.gpu).toHaveLength(6);
      for (let i = 0; i < 6; i++) expect(Math.abs(r.gpu[i] - r.reference[i]) / r.reference[i], `step ${i + 1}: ${r.gpu[i]} vs ${r.reference[i]}`).toBeLessThan(1e-4);
      expect(r.reference[5]).toBeLessThan(r.reference[0]); // and it is actually training
    }, 180_000);
  }
});
