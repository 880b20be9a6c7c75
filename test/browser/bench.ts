// Engine benchmarks run inside the page (cli/bench.ts drives them through Chromium or Dawn): matmul GFLOP/s
// against the naive kernel in the same run, and training-step timings for a GPT-2-small-shaped model with random
// weights (built in memory) and for given models.
import type { GpuContext } from '../../src/engine/gpu/device.ts';
import { KernelSet, ProgramBuilder } from '../../src/engine/gpu/program.ts';
import { MATMUL_F16_KERNELS, MATMUL_KERNELS, matmulForward, matmulNaive } from '../../src/engine/kernels/matmul.ts';
import { markHalf } from '../../src/engine/kernels/weight-storage.ts';
import { packHalves } from '../../src/engine/io/safetensors.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import { parseModelConfig, type ModelConfig } from '../../src/engine/model/config.ts';
import { countLayerParameters, type ModelWeights, type Tensor } from '../../src/engine/model/weights.ts';
import { padBatch, type ExtraInputs, type TokenBatch } from '../../src/engine/model/batch.ts';
import { estimateGpuBytes } from '../../src/engine/model/memory.ts';
import type { WeightStorage } from '../../src/engine/kernels/weight-storage.ts';

export interface MatmulBench {
  shape: string;
  tiledGflops: number;
  naiveGflops: number;
  speedup: number;
  f16Gflops: number; // the same tiled kernel reading W as packed halves (f16 weight storage)
}

export interface StepBench {
  model: string;
  parameters: number;
  batch: string;
  stepMs: number;
  tokensPerSecond: number;
  gflops: number; // ≈ 4 × params × tokens per step (no weight gradients), over the step time
  dispatchesPerStep: number;
  gpuMemoryMiB: number;
  weightStorage: WeightStorage;
  weightMiB: number; // GPU bytes of the uploaded model tensors, measured (not estimated)
}

/** Seconds per dispatch of `encode`, recorded `repeat` times into one pass per submit, over `reps` submits. */
async function timeSubmits(gpu: GpuContext, encode: (pass: GPUComputePassEncoder) => void, reps: number, warmUp = true, repeat = 1): Promise<number> {
  const run = async () => {
    const enc = gpu.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (let i = 0; i < repeat; i++) encode(pass);
    pass.end();
    gpu.device.queue.submit([enc.finish()]);
    await gpu.device.queue.onSubmittedWorkDone();
  };
  if (warmUp) await run(); // first-use compilation
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await run();
  return (performance.now() - t0) / reps / repeat / 1000;
}

export async function benchMatmul(gpu: GpuContext, M: number, N: number, K: number, reps: number): Promise<MatmulBench> {
  const kernels = await KernelSet.compile(gpu.device, [...MATMUL_KERNELS, ...MATMUL_F16_KERNELS]);
  const buf = (n: number) => {
    const b = gpu.device.createBuffer({ size: 4 * n, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    gpu.device.queue.writeBuffer(b, 0, Float32Array.from({ length: n }, (_, i) => Math.sin(i)));
    return b;
  };
  const x = buf(M * K);
  const w = buf(N * K);
  const y = buf(M * N);
  const zero = buf(4);
  const w16 = markHalf(gpu.device.createBuffer({ size: Math.ceil((2 * N * K) / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST }));
  gpu.device.queue.writeBuffer(w16, 0, packHalves(Float32Array.from({ length: N * K }, (_, i) => Math.sin(i))));
  const half = new ProgramBuilder(kernels);
  matmulForward(half, y, x, w16, null, zero, { M, N, K });
  const hp = half.build();
  const tiled = new ProgramBuilder(kernels);
  matmulForward(tiled, y, x, w, null, zero, { M, N, K });
  const naive = new ProgramBuilder(kernels);
  matmulNaive(naive, y, x, w, { M, N, K });
  const tp = tiled.build();
  const np = naive.build();
  // Rounds alternate the three kernels and each keeps its best: on a shared machine a load swing during one
  // kernel's timing would otherwise skew the ratio (seen: 6× to 13× between runs timed back to back).
  // On a real GPU one such matmul takes well under a millisecond, less than a submit's round trip: each timed
  // submit then records the same dispatch enough times to last ~20 ms (SwiftShader: once).
  const once = await timeSubmits(gpu, (p) => tp.encode(p), 1);
  const repeat = Math.min(200, Math.max(1, Math.ceil(0.02 / once)));
  let tTiled = Infinity, tNaive = Infinity, tHalf = Infinity;
  for (let round = 0; round < Math.max(2, reps); round++) {
    const warmUp = round === 0;
    tTiled = Math.min(tTiled, await timeSubmits(gpu, (p) => tp.encode(p), 1, false, repeat));
    tNaive = Math.min(tNaive, await timeSubmits(gpu, (p) => np.encode(p), 1, warmUp, repeat));
    tHalf = Math.min(tHalf, await timeSubmits(gpu, (p) => hp.encode(p), 1, warmUp, repeat));
  }
  const flops = 2 * M * N * K;
  for (const b of [x, w, w16, y, zero]) b.destroy();
  return { shape: `${M}x${N}x${K}`, tiledGflops: flops / tTiled / 1e9, naiveGflops: flops / tNaive / 1e9, speedup: tNaive / tTiled, f16Gflops: flops / tHalf / 1e9 };
}

/** Random weights of the canonical layout for a config (no checkpoint needed). */
export function randomWeights(cfg: ModelConfig): ModelWeights {
  let seed = 1;
  const t = (shape: number[], scale = 0.02, fill?: number): Tensor => ({
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => fill ?? (((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5) * scale),
  });
  const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V } = cfg;
  const bias = (n: number) => (cfg.qkvBias ? { bias: t([n]) } : {});
  const embed = t([V, C]);
  return {
    embed,
    positions: cfg.positions === 'learned' ? t([cfg.maxPositions, C]) : undefined,
    finalNorm: { weight: t([C], 0, 1), bias: cfg.norm === 'layernorm' ? t([C]) : undefined },
    lmHead: embed,
    layers: Array.from({ length: cfg.layers }, () => ({
      norm1: { weight: t([C], 0, 1), bias: cfg.norm === 'layernorm' ? t([C]) : undefined },
      q: { weight: t([H * hd, C]), ...bias(H * hd) },
      k: { weight: t([KVH * hd, C]), ...bias(KVH * hd) },
      v: { weight: t([KVH * hd, C]), ...bias(KVH * hd) },
      o: { weight: t([C, H * hd]), bias: cfg.oBias ? t([C]) : undefined },
      norm2: { weight: t([C], 0, 1), bias: cfg.norm === 'layernorm' ? t([C]) : undefined },
      qNorm: cfg.qkNorm ? t([hd], 0, 1) : undefined,
      kNorm: cfg.qkNorm ? t([hd], 0, 1) : undefined,
      postAttnNorm: cfg.postNorms ? { weight: t([C], 0, 0) } : undefined, // Gemma: gain 1 + 0
      gate: cfg.mlp !== 'gelu_new' ? { weight: t([I, C]) } : undefined,
      up: { weight: t([I, C]), bias: cfg.mlpBias ? t([I]) : undefined },
      down: { weight: t([C, I]), bias: cfg.mlpBias ? t([C]) : undefined },
      postMlpNorm: cfg.postNorms ? { weight: t([C], 0, 0) } : undefined,
    })),
  };
}

export const GPT2_SMALL = parseModelConfig({ model_type: 'gpt2', n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257 });

/** The benchmark's batch: `rows` rows of `tokens` fixed pseudo-random ids, the last four of each scored (a
 *  classification-style batch), and a small soft prompt of `virtual` tokens. The bench and the profiler share it. */
export function benchBatch(cfg: ModelConfig, rows: number, tokens: number, virtual: number): { batch: TokenBatch; extras: ExtraInputs } {
  const ids = Array.from({ length: rows }, (_, b) => Array.from({ length: tokens }, (_, t) => (b * 31 + t * 7) % cfg.vocabSize));
  const labels = ids.map((r) => r.map((id, t) => (t >= tokens - 4 ? id : -100)));
  return {
    batch: padBatch(ids, labels, 0, 'right'),
    extras: { promptEmbeds: Float32Array.from({ length: virtual * cfg.hidden }, (_, i) => Math.sin(i) * 0.02), virtualTokens: virtual },
  };
}

/** Prompt-tuning training steps (forward + activation backward + grad readback) on `rows × tokens` batches. */
export async function benchSteps(gpu: GpuContext, name: string, cfg: ModelConfig, weights: ModelWeights, rows: number, tokens: number, virtual: number, reps: number, storage: WeightStorage = 'f32'): Promise<StepBench> {
  const lm = await GpuCausalLM.create(gpu, cfg, weights, { rows, tokens: tokens + virtual, virtualTokens: virtual, targets: rows * 4 }, { weightStorage: storage });
  try {
    const { batch, extras } = benchBatch(cfg, rows, tokens, virtual);
    await lm.lossAndGrad(batch, extras);
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await lm.lossAndGrad(batch, extras);
    const step = (performance.now() - t0) / reps / 1000;
    const params = countLayerParameters(weights);
    const tok = rows * (tokens + virtual);
    return {
      model: name,
      parameters: params + weights.embed.data.length,
      batch: `${rows}x(${virtual}+${tokens})`,
      stepMs: step * 1000,
      tokensPerSecond: tok / step,
      gflops: (4 * params * tok) / step / 1e9,
      dispatchesPerStep: lm.lastDispatchCount,
      gpuMemoryMiB: estimateGpuBytes(cfg, { rows, tokens: tokens + virtual }, storage).total / 2 ** 20,
      weightStorage: storage,
      weightMiB: lm.weightBytes / 2 ** 20,
    };
  } finally {
    lm.dispose();
  }
}
