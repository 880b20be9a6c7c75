// Evaluation speed on the WebGPU engine, in validation rows per second: rank classification as evaluate.ts runs it
// (whole examples packed into each engine call, the loss from the same scores) next to one example per call plus a
// separate validation-loss pass (how it ran before batching), same rows, same run; and greedy generation (one row
// at a time with the KV cache). Synthetic rows: a 20-token prompt, two one-token labels, a 3-token free-text answer.
import type { GpuContext } from '../../src/engine/gpu/device.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import { IGNORE_INDEX, padBatch } from '../../src/engine/model/batch.ts';
import type { ModelConfig } from '../../src/engine/model/config.ts';
import type { ModelWeights } from '../../src/engine/model/weights.ts';
import { evaluateClassification, evaluateGeneration, examplesPerCall, validationLoss, type LabelSet } from '../../src/tuning/evaluate.ts';
import { padId, type EncodedExample } from '../../src/tuning/data/encoded.ts';

export interface EvaluationBench {
  model: string;
  rows: number; // validation examples scored
  examplesPerCall: number; // classification, batched
  batchedRowsPerSecond: number;
  oneAtATimeRowsPerSecond: number;
  speedup: number;
  generationRows: number;
  generationRowsPerSecond: number; // greedy, up to answer length + 2 new tokens per row
  samePredictions: boolean;
}

export async function benchEvaluation(gpu: GpuContext, name: string, cfg: ModelConfig, weights: ModelWeights, rows: number, generationRows: number): Promise<EvaluationBench> {
  const lm = await GpuCausalLM.create(gpu, cfg, weights, { rows: 8, tokens: Math.min(cfg.maxPositions, 64), virtualTokens: 8 });
  try {
    const V = cfg.vocabSize;
    const labels: LabelSet = { names: ['a', 'b'], tokens: [[5 % V], [7 % V]] };
    const examples: EncodedExample[] = Array.from({ length: rows }, (_, i) => ({
      input: `row ${i}`,
      output: i % 2 ? 'b' : 'a',
      prompt: Array.from({ length: 20 }, (_, t) => (i * 31 + t * 7 + 3) % V),
      target: i % 2 ? [7 % V] : [5 % V],
    }));
    const free = examples.slice(0, generationRows).map((e) => ({ ...e, target: [11 % V, 13 % V, 17 % V] }));
    const oneAtATime = async () => {
      const best: number[] = [];
      for (const ex of examples) {
        const batch = padBatch(labels.tokens.map((c) => [...ex.prompt, ...c]), labels.tokens.map((c) => [...ex.prompt.map(() => IGNORE_INDEX), ...c]), padId(cfg), 'right');
        const s = await lm.scoreRows(batch, {});
        best.push(s[0] >= s[1] ? 0 : 1);
      }
      await validationLoss(lm, examples, {}, 8);
      return best;
    };
    // Warm-up: every program shape both paths record.
    await evaluateClassification(lm, examples, labels, {});
    await oneAtATime();
    let t0 = performance.now();
    const batched = await evaluateClassification(lm, examples, labels, {});
    const batchedS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const single = await oneAtATime();
    const singleS = (performance.now() - t0) / 1000;
    await evaluateGeneration(lm, free.slice(0, 1), {}, () => '', []);
    t0 = performance.now();
    await evaluateGeneration(lm, free, {}, () => '', []);
    const genS = (performance.now() - t0) / 1000;
    return {
      model: name,
      rows,
      examplesPerCall: examplesPerCall(lm, examples, labels, {}),
      batchedRowsPerSecond: rows / batchedS,
      oneAtATimeRowsPerSecond: rows / singleS,
      speedup: singleS / batchedS,
      generationRows,
      generationRowsPerSecond: generationRows / genS,
      samePredictions: batched.predictions.every((p, i) => p.predicted === labels.names[single[i]]),
    };
  } finally {
    lm.dispose();
  }
}
