// The bench suite (cli/bench.ts): matmul vs the naive kernel, training steps of the demo and a GPT-2-small-shaped
// model with f32 and f16 weight storage, and generation with and without the KV cache, on whichever GPU it is given
// (Dawn in Node, or the Chromium page of gpu-harness.ts), and evaluation rows/s batched vs one example per call.
// No page globals here, so Node can import it.
import type { GpuContext } from '../../src/engine/gpu/device.ts';
import type { ModelFiles } from '../../src/engine/io/model-files.ts';
import { loadModel } from '../../src/engine/io/load-model.ts';
import { benchMatmul, benchSteps, GPT2_SMALL, randomWeights, type MatmulBench, type StepBench } from './bench.ts';
import { benchGeneration, type GenerationBench } from './bench-generation.ts';
import { benchEvaluation, type EvaluationBench } from './bench-evaluation.ts';
import { isSoftwareAdapter } from '../../src/engine/gpu/device.ts';

export interface HarnessBenchRequest {
  reps: number;
  gpt2Rows: number;
  gpt2Tokens: number;
}

export interface HarnessBenchResult {
  adapter: string;
  features: string[];
  matmul: MatmulBench[];
  steps: StepBench[];
  generation: GenerationBench[];
  evaluation: EvaluationBench[];
}

/** Evaluation rows/s, batched and one example per call, for the demo model and the GPT-2-small shape. */
export async function runEvaluationBench(gpu: GpuContext, demoFiles: ModelFiles): Promise<EvaluationBench[]> {
  const demo = await loadModel(demoFiles);
  // A software adapter (SwiftShader) runs the GPT-2 shape at seconds a call: fewer rows there.
  const soft = isSoftwareAdapter(gpu.adapter.name);
  return [
    await benchEvaluation(gpu, 'demo (bundled)', demo.config, demo.weights, 48, 8),
    await benchEvaluation(gpu, 'gpt2-small shape, random weights', GPT2_SMALL, randomWeights(GPT2_SMALL), soft ? 8 : 64, soft ? 2 : 8),
  ];
}

export async function runBench(gpu: GpuContext, req: HarnessBenchRequest, demoFiles: ModelFiles): Promise<HarnessBenchResult> {
  const matmul = [await benchMatmul(gpu, 512, 768, 768, req.reps), await benchMatmul(gpu, 64, 2048, 512, req.reps)];
  const steps: StepBench[] = [];
  const demo = await loadModel(demoFiles);
  // Each model with f32 and with f16 weight storage, same run.
  for (const storage of ['f32', 'f16'] as const) steps.push(await benchSteps(gpu, 'demo (bundled)', demo.config, demo.weights, 8, 24, 16, req.reps, storage));
  const gpt2 = randomWeights(GPT2_SMALL);
  for (const storage of ['f32', 'f16'] as const)
    steps.push(await benchSteps(gpu, 'gpt2-small shape, random weights', GPT2_SMALL, gpt2, req.gpt2Rows, req.gpt2Tokens, 16, Math.max(1, Math.floor(req.reps / 2)), storage));
  const f = gpu.adapter.features;
  const generation = [await benchGeneration(gpu, 'demo (bundled)', demo.config, demo.weights, 24, 32)];
  const evaluation = await runEvaluationBench(gpu, demoFiles);
  return { adapter: gpu.adapter.name, features: Object.entries(f).filter(([, on]) => on).map(([k]) => k), matmul, steps, generation, evaluation };
}
