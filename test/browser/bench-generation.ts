// Generation speed on the WebGPU engine: tokens/s with the KV cache next to the full recompute (every token runs
// the whole sequence again through lastLogits), greedy, same prompt and model, in the same run.
import type { GpuContext } from '../../src/engine/gpu/device.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import { generateByRecompute } from '../../src/engine/model/generate.ts';
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

export async function benchGeneration(gpu: GpuContext, name: string, cfg: ModelConfig, weights: ModelWeights, promptTokens: number, newTokens: number): Promise<GenerationBench> {
  const lm = await GpuCausalLM.create(gpu, cfg, weights, { rows: 1, tokens: Math.min(cfg.maxPositions, promptTokens + newTokens + 8), virtualTokens: 8 });
  try {
    const prompt = Array.from({ length: promptTokens }, (_, t) => (t * 7 + 3) % cfg.vocabSize);
    const opts = { maxNewTokens: newTokens };
    await lm.generate(prompt, {}, { maxNewTokens: 2 }); // warm-up: decoder buffers, step program, first-use compiles
    const device = gpu.device;
    const create = device.createBuffer.bind(device);
    let created = 0;
    device.createBuffer = (d: GPUBufferDescriptor) => {
      created++;
      return create(d);
    };
    let tPrefill = 0;
    const t0 = performance.now();
    let cached;
    try {
      cached = await lm.generate(prompt, {}, { ...opts, onLogits: (_, k) => void (k === 0 && (tPrefill = performance.now())) });
    } finally {
      device.createBuffer = create;
    }
    const t1 = performance.now();
    await generateByRecompute(lm, prompt, {}, opts); // warm-up: the recompute records one program per 8-token length bucket
    let tFirst = 0;
    const full = await generateByRecompute(lm, prompt, {}, { ...opts, onLogits: (_, k) => void (k === 0 && (tFirst = performance.now())) });
    const t3 = performance.now();
    const steps = cached.tokens.length - 1;
    const cachedTps = steps / ((t1 - tPrefill) / 1000);
    const fullTps = steps / ((t3 - tFirst) / 1000);
    return {
      model: name,
      promptTokens,
      newTokens: cached.tokens.length,
      prefillMs: tPrefill - t0,
      cachedTokensPerSecond: cachedTps,
      recomputeTokensPerSecond: fullTps,
      speedup: cachedTps / fullTps,
      dispatchesPerToken: lm.decoder().dispatchesPerToken,
      buffersCreatedPerToken: created / Math.max(1, cached.tokens.length),
      sameTokens: cached.tokens.join() === full.tokens.join(),
    };
  } finally {
    lm.dispose();
  }
}
