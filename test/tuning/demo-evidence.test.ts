import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { openHarness, serveLocalDirectory, type PageSession } from '../../cli/chromium.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/tuning/train-config.ts';
import { METHODS } from '../../src/tuning/methods/registry.ts';
import type { MethodOptions } from '../../src/tuning/methods/method.ts';

// The bundled demo model's evidence (model card): on the needs-tuning sample task the untuned model with the
// plain template is near chance, and each method, trained on the training split with a fixed seed, reaches
// ≥ 0.9 validation accuracy. Real WebGPU (Chromium/SwiftShader), the real tokenizer, the real files.
const MODEL = 'public/models/demo';
const TASK = 'public/datasets/sentiment-code.csv';
const TEMPLATE = 'Review: {input}\nCode:';

let session: PageSession;
const base = serveLocalDirectory('demo', MODEL);
beforeAll(async () => {
  session = await openHarness();
}, 180_000);
afterAll(async () => session?.close());

// Each method with its own defaults and learning rate (its card), 30 steps.
const runs: [MethodOptions, Partial<TrainConfig>][] = Object.values(METHODS).map((m) => [m.defaults, { learningRate: m.learningRate, steps: 30 }]);

describe('demo model: prompt-learning methods turn a near-chance task into ≥ 0.9 accuracy', () => {
  for (const [method, hyper] of runs) {
    it(method.method, async () => {
      const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method, seed: 7, evalEvery: 0, warmupSteps: 3, ...hyper };
      const r = await session.page.evaluate((q) => window.engineHarness.train(q), {
        model: { kind: 'url' as const, label: 'demo', base },
        data: { text: readFileSync(TASK, 'utf8'), fileName: 'sentiment-code.csv', template: TEMPLATE, validationFraction: 0.2 },
        config,
      });
      const summary = r.lines.at(-1) as { baseline: { accuracy: number }; tuned: { accuracy: number }; seconds: number; final_loss: number };
      console.log(`${method.method}: ${JSON.stringify(summary)}`);
      expect(summary.baseline.accuracy).toBeLessThanOrEqual(0.7);
      expect(summary.tuned.accuracy).toBeGreaterThanOrEqual(0.9);
    }, 400_000);
  }
});
