// Where kernel jobs run: Dawn in Node by default (about 3x faster here than driving a page), headless Chromium with
// KERNEL_GPU=chromium. Every backend is real WebGPU (SwiftShader without a GPU); nothing is mocked.
import type { MatmulBench } from '../../browser/bench.ts';
import type { JobSpec } from './job.ts';

export interface KernelRunner {
  adapter: string;
  run(job: { spec: JobSpec }): Promise<number[][]>;
  /** Matmul vs the naive kernel on one shape (cli/bench-matmul.ts). */
  benchMatmul(M: number, N: number, K: number, reps: number): Promise<MatmulBench>;
  close(): Promise<void>;
}

async function dawnRunner(): Promise<KernelRunner> {
  const { dawnGpu, releaseDawn } = await import('../../../cli/dawn.ts');
  const { KernelSet } = await import('../../../src/engine/gpu/program.ts');
  const { ALL_KERNELS, executeJob } = await import('./job.ts');
  const { benchMatmul } = await import('../../browser/bench.ts');
  const gpu = await dawnGpu();
  // Only the kernels a test's jobs use are compiled, on first use: SwiftShader takes ~25 s for all of them, and most
  // test files need two or three. A job that meets an uncompiled kernel fails before it submits anything, so it is
  // simply run again with that kernel added.
  const byName = new Map(ALL_KERNELS.map((k) => [k.name, k]));
  const wanted = new Set<string>();
  let kernels = await KernelSet.compile(gpu.device, []);
  const run = async (spec: JobSpec): Promise<number[][]> => {
    for (;;) {
      try {
        return await executeJob(gpu.device, kernels, spec);
      } catch (e) {
        const name = /kernel (\S+) was not compiled/.exec((e as Error).message)?.[1];
        if (name === undefined || wanted.has(name) || !byName.has(name)) throw e;
        wanted.add(name);
        kernels = await KernelSet.compile(gpu.device, [...wanted].map((n) => byName.get(n)!));
      }
    }
  };
  return {
    adapter: gpu.adapter.name,
    run: (job) => run(job.spec),
    benchMatmul: (M, N, K, reps) => benchMatmul(gpu, M, N, K, reps),
    close: async () => releaseDawn(),
  };
}

async function chromiumRunner(): Promise<KernelRunner> {
  const { openChromiumPage } = await import('../../../cli/chromium.ts');
  const { page, errors, close } = await openChromiumPage('test/engine/kernels/page.html', 'kernelPage');
  const adapter = await page.evaluate(() => window.kernelPage.adapter);
  return {
    adapter,
    run: async (job) => {
      const out = await page.evaluate((spec) => window.kernelPage.run(spec), job.spec);
      if (errors.length > 0) throw new Error(`WebGPU errors in the page: ${errors.join('\n')}`);
      return out;
    },
    benchMatmul: (M, N, K, reps) => page.evaluate(([m, n, k, r]) => window.kernelPage.benchMatmul(m, n, k, r), [M, N, K, reps] as const),
    close,
  };
}

export function kernelRunner(): Promise<KernelRunner> {
  return process.env.KERNEL_GPU === 'chromium' ? chromiumRunner() : dawnRunner();
}
