// Generation speed on the WebGPU engine: tokens/s with the KV cache next to the full recompute (every token runs
// the whole sequence again through lastLogits), greedy, same prompt and model, in the same run.
import type { GpuContext } from '../../src/engine/gpu/device.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import { generateByRecompute, type Generation } from '../../src/engine/model/generate.ts';
import type { ModelConfig } from '../../src/engine/model/config.ts';
import type { ModelWeights } from '../../src/engine/model/weights.ts';

export interface GenerationBench {
  model: string;
  promptTokens: number;
  newTokens: number;
  prefillMs: number; // the prompt's forward + K/V copies, and the first token's logits
  cachedTokensPerSecond: number; // tokens after the first, one step each
  recomputeTokensPerSecond: number; // the same tokens by full recompute
  speedup: number;
  dispatchesPerToken: number;
  buffersCreatedPerToken: number; // GPU buffers made during the timed cached run, per token (0 = preallocated)
  sameTokens: boolean;
}

export async function benchGeneration(gpu: GpuContext, name: string, cfg: ModelConfig, weights: ModelWeights, promptTokens: number, newTokens: number, reps = 3): Promise<GenerationBench> {
  const lm = await GpuCausalLM.create(gpu, cfg, weights, { rows: 1, tokens: Math.min(cfg.maxPositions, promptTokens + newTokens + 8), virtualTokens: 8 });
  try {
    const prompt = Array.from({ length: promptTokens }, (_, t) => (t * 7 + 3) % cfg.vocabSize);
    const opts = { maxNewTokens: newTokens };
    await lm.generate(prompt, {}, { maxNewTokens: 2 }); // warm-up: decoder buffers, step program, first-use compiles
    await generateByRecompute(lm, prompt, {}, opts); // warm-up: the recompute records one program per 8-token length bucket
    const device = gpu.device;
    const create = device.createBuffer.bind(device);
    let created = 0;
    device.createBuffer = (d: GPUBufferDescriptor) => {
      created++;
      return create(d);
    };
    // The two ways alternate and each keeps its best run: on a shared machine the slowest runs measure the load.
    let prefill = Infinity;
    let cachedSteps = Infinity;
    let fullSteps = Infinity;
    let cached: Generation | null = null;
    let full: Generation | null = null;
    try {
      for (let i = 0; i < reps; i++) {
        let tFirst = 0;
        const t0 = performance.now();
        cached = await lm.generate(prompt, {}, { ...opts, onLogits: (_, k) => void (k === 0 && (tFirst = performance.now())) });
        const t1 = performance.now();
        prefill = Math.min(prefill, tFirst - t0);
        cachedSteps = Math.min(cachedSteps, t1 - tFirst);
        device.createBuffer = create; // the recompute may record new programs; only the cached path is counted
        full = await generateByRecompute(lm, prompt, {}, { ...opts, onLogits: (_, k) => void (k === 0 && (tFirst = performance.now())) });
        fullSteps = Math.min(fullSteps, performance.now() - tFirst);
        device.createBuffer = (d: GPUBufferDescriptor) => {
          created++;
          return create(d);
        };
      }
    } finally {
      device.createBuffer = create;
    }
    if (!cached || !full) throw new Error('the generation bench needs reps ≥ 1');
    // Both time the tokens after the first: one step each with the cache, one whole forward each without.
    const steps = cached.tokens.length - 1;
    const cachedTps = steps / (cachedSteps / 1000);
    const fullTps = steps / (fullSteps / 1000);
    return {
      model: name,
      promptTokens,
      newTokens: cached.tokens.length,
      prefillMs: prefill,
      cachedTokensPerSecond: cachedTps,
      recomputeTokensPerSecond: fullTps,
      speedup: cachedTps / fullTps,
      dispatchesPerToken: lm.decoder().dispatchesPerToken,
      buffersCreatedPerToken: created / Math.max(1, reps * cached.tokens.length),
      sameTokens: cached.tokens.join() === full.tokens.join(),
    };
  } finally {
    lm.dispose();
  }
}
