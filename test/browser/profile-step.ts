// Where a prompt-tuning step's GPU time goes (cli/profile.ts): the same step as benchSteps (bench.ts) — rows ×
// (virtual + tokens), four scored tokens a row, forward + backward to the prompt + readback — recorded with one
// timestamped pass per dispatch (gpu/timer.ts), GPU time summed per kernel and per kernel+shape, averaged over steps.
// The untimed step's wall time is measured first in the same run, so the profile can be set against it.
import type { GpuContext } from '../../src/engine/gpu/device.ts';
import { DispatchTimer } from '../../src/engine/gpu/timer.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import type { ModelConfig } from '../../src/engine/model/config.ts';
import type { ModelWeights } from '../../src/engine/model/weights.ts';
import { benchBatch } from './bench.ts';
import type { WeightStorage } from '../../src/engine/kernels/weight-storage.ts';

export interface KernelTime {
  kernel: string;
  dispatches: number; // per step
  ms: number; // GPU ms per step, summed over its dispatches
  share: number; // of the step's summed GPU time
}

export interface ShapeTime extends KernelTime {
  words: number[]; // the dispatch's uniform words (matmul: M, N, K, flags)
}

export interface StepProfile {
  adapter: string;
  batch: string;
  weightStorage: WeightStorage;
  steps: number;
  stepMs: number; // wall ms of an ordinary (untimed) step, mean over `steps`
  profiledStepMs: number; // wall ms of a profiled step (one pass per dispatch), mean
  gpuMs: number; // summed dispatch GPU time per profiled step
  dispatches: number;
  kernels: KernelTime[]; // by GPU time, largest first
  shapes: ShapeTime[]; // kernel + uniform words, largest first
}

export async function profileSteps(gpu: GpuContext, cfg: ModelConfig, weights: ModelWeights, rows: number, tokens: number, virtual: number, steps: number, storage: WeightStorage = 'f32'): Promise<StepProfile> {
  const timer = DispatchTimer.create(gpu.device);
  if (!timer) throw new Error(`${gpu.adapter.name} offers no timestamp-query feature: cannot profile dispatches`);
  const lm = await GpuCausalLM.create(gpu, cfg, weights, { rows, tokens: tokens + virtual, virtualTokens: virtual, targets: rows * 4 }, { weightStorage: storage });
  try {
    const { batch, extras } = benchBatch(cfg, rows, tokens, virtual);
    const step = () => lm.lossAndGrad(batch, extras);
    await step(); // compile and first-use costs
    let t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    const stepMs = (performance.now() - t0) / steps;

    lm.timer = timer;
    await step();
    await timer.results();
    const byShape = new Map<string, ShapeTime>();
    let gpuMs = 0;
    let dispatches = 0;
    let wall = 0;
    for (let s = 0; s < steps; s++) {
      t0 = performance.now();
      await step();
      wall += performance.now() - t0;
      const times = await timer.results();
      dispatches = times.length;
      for (const t of times) {
        const key = `${t.kernel} ${t.words.join(',')}`;
        const e = byShape.get(key) ?? { kernel: t.kernel, words: t.words, dispatches: 0, ms: 0, share: 0 };
        e.dispatches += 1 / steps;
        e.ms += t.ms / steps;
        gpuMs += t.ms / steps;
        byShape.set(key, e);
      }
    }
    lm.timer = null;
    const byKernel = new Map<string, KernelTime>();
    for (const e of byShape.values()) {
      e.share = e.ms / gpuMs;
      const k = byKernel.get(e.kernel) ?? { kernel: e.kernel, dispatches: 0, ms: 0, share: 0 };
      k.dispatches += e.dispatches;
      k.ms += e.ms;
      k.share = k.ms / gpuMs;
      byKernel.set(e.kernel, k);
    }
    const desc = <T extends KernelTime>(xs: Iterable<T>) => [...xs].sort((a, b) => b.ms - a.ms);
    return {
      adapter: gpu.adapter.name,
      batch: `${rows}x(${virtual}+${tokens})`,
      weightStorage: storage,
      steps,
      stepMs,
      profiledStepMs: wall / steps,
      gpuMs,
      dispatches,
      kernels: desc(byKernel.values()),
      shapes: desc(byShape.values()),
    };
  } finally {
    lm.dispose();
    timer.destroy();
  }
}

/** A plain-text table of a profile: per kernel, then the heaviest kernel+shape rows. */
export function formatProfile(p: StepProfile, topShapes = 15): string {
  const row = (k: KernelTime, name: string) => `  ${name.padEnd(44)} ${k.dispatches.toFixed(0).padStart(4)} ${k.ms.toFixed(3).padStart(9)} ${(100 * k.share).toFixed(1).padStart(5)}%`;
  return [
    `${p.adapter}: batch ${p.batch}, ${p.weightStorage} weights, ${p.steps} step${p.steps === 1 ? '' : 's'}`,
    `step ${p.stepMs.toFixed(2)} ms wall (ordinary), ${p.profiledStepMs.toFixed(2)} ms wall profiled, ${p.gpuMs.toFixed(2)} ms GPU summed over ${p.dispatches} dispatches`,
    `  ${'kernel'.padEnd(44)} ${'n'.padStart(4)} ${'ms/step'.padStart(9)} share`,
    ...p.kernels.map((k) => row(k, k.kernel)),
    `  heaviest kernel+shape (uniform words):`,
    ...p.shapes.slice(0, topShapes).map((s) => row(s, `${s.kernel} [${s.words.slice(0, 4).map((w) => +w.toPrecision(4)).join(',')}]`)),
  ].join('\n');
}
