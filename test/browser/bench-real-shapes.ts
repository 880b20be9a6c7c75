// The --real-shapes bench, in the page (cli/bench.ts drives it): a true-size checkpoint from a Hub endpoint (the
// local Hub of tools/real-shapes) loaded as the studio loads it (TuningSession: streamed, halves on the GPU), then
// one training step (1 × 32 tokens, 16 virtual tokens) and one generated token. The page's peak JS heap is
// sampled from outside (CDP) while this runs.
import { acquireGpu } from '../../src/engine/gpu/device.ts';
import { httpModelFiles } from '../../src/engine/io/model-files.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import { estimateGpuBytes } from '../../src/engine/model/memory.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import { benchBatch } from './bench.ts';

export interface RealShapeRequest {
  id: string;
  endpoint: string;
  tokens: number;
  virtual: number;
}

export interface RealShapeResult {
  id: string;
  adapter: string;
  fileBytes: number[];
  loadSeconds: number;
  weightStorage: string;
  gpuWeightBytes: number; // allocated for the model's tensors, measured
  estimateWeightBytes: number; // memory.ts's estimate of the same
  estimateTotalBytes: number; // weights + activations at the bench's capacity
  stepSeconds: number;
  loss: number;
  generateSeconds: number;
  token: number;
}

export async function realShape(req: RealShapeRequest): Promise<RealShapeResult> {
  const gpu = await acquireGpu(navigator.gpu);
  // No Cache API here: the bench measures the streaming path from the network, and leaves no gigabytes behind.
  const files = httpModelFiles(`${req.id}@main`, `${req.endpoint.replace(/\/+$/, '')}/${req.id}/resolve/main/`, { cache: false, origin: 'hub' });
  const session = new TuningSession();
  const t0 = performance.now();
  const capacity = { rows: 1, tokens: req.tokens + req.virtual };
  const loaded = await session.loadModel(files, gpu, capacity, 'auto');
  const loadSeconds = (performance.now() - t0) / 1000;
  const lm = session.lm;
  if (!(lm instanceof GpuCausalLM)) throw new Error('expected the WebGPU model');
  try {
    const est = estimateGpuBytes(loaded.config, capacity, lm.weightStorage);
    const { batch, extras } = benchBatch(loaded.config, 1, req.tokens, req.virtual);
    const t1 = performance.now();
    const step = await lm.lossAndGrad(batch, extras);
    const stepSeconds = (performance.now() - t1) / 1000;
    const prompt = Array.from({ length: req.tokens }, (_, i) => (i * 7919 + 13) % loaded.config.vocabSize);
    const t2 = performance.now();
    const gen = await lm.generate(prompt, {}, { maxNewTokens: 1 });
    const generateSeconds = (performance.now() - t2) / 1000;
    return {
      id: req.id,
      adapter: gpu.adapter.name,
      fileBytes: loaded.fileSizes ?? [loaded.weightBytes],
      loadSeconds,
      weightStorage: lm.weightStorage,
      gpuWeightBytes: lm.weightBytes,
      estimateWeightBytes: est.weights,
      estimateTotalBytes: est.total,
      stepSeconds,
      loss: step.loss,
      generateSeconds,
      token: gen.tokens[0],
    };
  } finally {
    lm.dispose();
    session.lm = null;
    session.loaded = null;
  }
}
