// Shared plumbing of the kernel tests: where jobs run (headless Chromium by default, Dawn in Node with
// KERNEL_GPU=dawn — see job.ts for why), a seeded RNG, and the atol + rtol·|ref| comparison that prints the
// worst mismatches. Every backend is real WebGPU (SwiftShader on this machine); nothing is mocked.
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { JobSpec } from './job.ts';

export interface KernelRunner {
  adapter: string;
  run(job: { spec: JobSpec }): Promise<number[][]>;
  close(): Promise<void>;
}

async function dawnRunner(): Promise<KernelRunner> {
  const { dawnGpu } = await import('../../../cli/dawn.ts');
  const { KernelSet } = await import('../../../src/engine/gpu/program.ts');
  const { ALL_KERNELS, executeJob } = await import('./job.ts');
  const gpu = await dawnGpu();
  const kernels = await KernelSet.compile(gpu.device, ALL_KERNELS, gpu.asyncPipelines);
  return { adapter: gpu.adapter.name, run: (job) => executeJob(gpu.device, kernels, job.spec), close: async () => {} };
}

async function chromiumRunner(): Promise<KernelRunner> {
  const { chromium } = await import('@playwright/test');
  const { createServer } = await import('vite');
  const { CHROMIUM_ARGS } = await import('../../../cli/chromium.ts');
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const server = await createServer({ root, logLevel: 'error', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null } });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the Vite server did not report its URL');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('test/engine/kernels/page.html', url).toString());
  try {
    await page.waitForFunction(() => window.kernelPage?.ready === true, null, { timeout: 120_000 });
  } catch (e) {
    await browser.close();
    await server.close();
    throw new Error(`kernel page did not start: ${errors.join('\n')}`, { cause: e });
  }
  const adapter = await page.evaluate(() => window.kernelPage.adapter);
  return {
    adapter,
    run: async (job) => {
      const out = await page.evaluate((spec) => window.kernelPage.run(spec), job.spec);
      if (errors.length > 0) throw new Error(`WebGPU errors in the page: ${errors.join('\n')}`);
      return out;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export function kernelRunner(): Promise<KernelRunner> {
  return process.env.KERNEL_GPU === 'dawn' ? dawnRunner() : chromiumRunner();
}

/** Deterministic uniform values in [-scale, scale) (mulberry32), already rounded to f32. */
export function randn(count: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Asserts |got - ref| ≤ atol + rtol·|ref| everywhere; on failure the message names the worst elements. */
export function expectClose(got: ArrayLike<number>, ref: ArrayLike<number>, what: string, atol = 1e-5, rtol = 1e-5): void {
  expect(got.length, `${what}: length`).toBe(ref.length);
  let maxErr = 0;
  const bad: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const err = got[i] === ref[i] ? 0 : Math.abs(got[i] - ref[i]); // equal infinities are a match
    maxErr = Math.max(maxErr, Number.isNaN(err) ? Infinity : err);
    const ok = Number.isFinite(ref[i]) ? err <= atol + rtol * Math.abs(ref[i]) : err === 0;
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${got[i]} want ${ref[i]}`);
  }
  expect(bad, `${what}: max |err| ${maxErr.toExponential(2)} (atol ${atol}, rtol ${rtol}); first mismatches`).toEqual([]);
}
