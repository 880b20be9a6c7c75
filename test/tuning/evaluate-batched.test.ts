import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../cli/node-files.ts';
import { dawnGpu, releaseDawn } from '../../cli/dawn.ts';
import { loadModel, type LoadedModel } from '../../src/engine/io/load-model.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';
import { IGNORE_INDEX, padBatch } from '../../src/engine/model/batch.ts';
import type { CausalLM } from '../../src/engine/model/causal-lm.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import { evaluateClassification, examplesPerCall, EvaluationStopped, validationLoss, type LabelSet } from '../../src/tuning/evaluate.ts';
import { padId, type EncodedExample } from '../../src/tuning/data/encoded.ts';

// Batched rank classification (several examples in one engine call; the demo task's labels are single tokens, so one
// row of the prompt per example, each label scored off its next-token distribution) gives what scoring one example's
// label rows per call gives: same predictions, same margins, and the validation loss of the training rows. On the
// demo model, with the float64 engine and with WebGPU (Dawn) at a capacity of 2 rows × 64 tokens, which short
// rows overflow in number but not in tokens.
let demo: LoadedModel;
let examples: EncodedExample[];
let labels: LabelSet;
beforeAll(async () => {
  const session = new TuningSession();
  await session.loadModel(directoryModelFiles('public/models/demo'), null);
  const text = readFileSync('public/datasets/sentiment-code.csv', 'utf8');
  expect(session.setDataset({ text, fileName: 'sentiment-code.csv', template: 'Review: {input}\nCode:', validationFraction: 0.2, seed: 1 }, 4).ok).toBe(true);
  const d = session.dataset!;
  examples = d.validation.slice(0, 21);
  labels = { names: d.labels.names, tokens: d.labels.tokens };
  demo = await loadModel(directoryModelFiles('public/models/demo'));
});

/** One engine call per example, as evaluation was before batching. */
async function oneAtATime(lm: CausalLM, extras: object) {
  const out: Float64Array[] = [];
  for (const ex of examples)
    out.push(await lm.scoreRows(padBatch(labels.tokens.map((c) => [...ex.prompt, ...c]), labels.tokens.map((c) => [...ex.prompt.map(() => IGNORE_INDEX), ...c]), padId(lm.config), 'right'), extras));
  return out;
}

function expectSameReport(report: Awaited<ReturnType<typeof evaluateClassification>>, single: Float64Array[], tol: number) {
  report.predictions.forEach((p, e) => {
    const s = single[e];
    const best = s[0] >= s[1] ? 0 : 1;
    expect(p.predicted, `example ${e}`).toBe(labels.names[best]);
    expect(Math.abs(p.margin! - Math.abs(s[0] - s[1])), `margin of example ${e}`).toBeLessThan(tol);
  });
}

describe('batched rank classification = one example per call', () => {
  it('float64 engine: predictions, margins, the validation loss of the training rows, progress', async () => {
    const lm = new ReferenceCausalLM(demo.config, demo.weights);
    const progress: number[] = [];
    const report = await evaluateClassification(lm, examples, labels, {}, { onProgress: (done, total) => progress.push(done / total) });
    expect(labels.tokens.every((t) => t.length === 1)).toBe(true);
    // The next-token logits come back as f32: agreement to f32 rounding.
    expectSameReport(report, await oneAtATime(lm, {}), 1e-5);
    expect(Math.abs(report.validationLoss - (await validationLoss(lm, examples, {}, 4)))).toBeLessThan(1e-6);
    const perCall = examplesPerCall(lm, examples, labels, {});
    expect(perCall).toBeGreaterThan(1);
    expect(progress).toHaveLength(Math.ceil(examples.length / perCall));
    expect(progress.at(-1)).toBe(1);
  });

  describe('WebGPU (Dawn), capacity 2 rows × 64 tokens', () => {
    let gpuLm: GpuCausalLM;
    beforeAll(async () => {
      gpuLm = await GpuCausalLM.create(await dawnGpu(), demo.config, demo.weights, { rows: 2, tokens: 64, virtualTokens: 4 });
    });
    afterAll(() => {
      gpuLm?.dispose();
      releaseDawn();
    });

    it('packs more rows than the row capacity when they are short, and scores them as the float64 engine does', async () => {
      const prompt = { promptEmbeds: Float32Array.from({ length: 4 * demo.config.hidden }, (_, i) => 0.1 * Math.sin(i)), virtualTokens: 4 };
      const perCall = examplesPerCall(gpuLm, examples, labels, prompt);
      expect(perCall).toBeGreaterThan(2); // more rows (one per example) than capacity.rows in one call
      const progress: number[] = [];
      const report = await evaluateClassification(gpuLm, examples, labels, prompt, { onProgress: (done) => progress.push(done) });
      expectSameReport(report, await oneAtATime(new ReferenceCausalLM(demo.config, demo.weights), prompt), 1e-4);
      const reference = await evaluateClassification(new ReferenceCausalLM(demo.config, demo.weights), examples, labels, prompt);
      expect(Math.abs(report.validationLoss - reference.validationLoss)).toBeLessThan(1e-5);
      // Progress after each call, counting examples; a stop request is honoured at the next call.
      expect(progress).toEqual(Array.from({ length: Math.ceil(examples.length / perCall) }, (_, k) => Math.min((k + 1) * perCall, examples.length)));
      let calls = 0;
      await expect(evaluateClassification(gpuLm, examples, labels, prompt, { onProgress: () => calls++, shouldStop: () => calls >= 1 })).rejects.toBeInstanceOf(EvaluationStopped);
      expect(calls).toBe(1);
    });
  });
});
