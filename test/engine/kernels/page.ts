// The kernel tests' page in headless Chromium: compiles every kernel once and runs jobs sent from Node.
import { acquireGpu } from '../../../src/engine/gpu/device.ts';
import { KernelSet } from '../../../src/engine/gpu/program.ts';
import { ALL_KERNELS, executeJob, type JobSpec } from './job.ts';
import { benchMatmul, type MatmulBench } from '../../browser/bench.ts';

export interface KernelPage {
  ready: boolean;
  adapter: string;
  run(spec: JobSpec): Promise<number[][]>;
  benchMatmul(M: number, N: number, K: number, reps: number): Promise<MatmulBench>;
}

declare global {
  interface Window {
    kernelPage: KernelPage;
  }
}

const gpu = await acquireGpu(navigator.gpu);
const kernels = await KernelSet.compile(gpu.device, ALL_KERNELS);
window.kernelPage = {
  ready: true,
  adapter: gpu.adapter.name,
  run: (spec) => executeJob(gpu.device, kernels, spec),
  benchMatmul: (M, N, K, reps) => benchMatmul(gpu, M, N, K, reps),
};
