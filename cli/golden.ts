// npm run golden -- [<dir>] [--chromium]: every golden case under <dir> (default ../shared/fixtures/golden) through
// the WebGPU engine — Dawn in Node by default (SwiftShader without a GPU), or with --chromium in a headless Chromium
// page and the first case again inside a module Web Worker, where the studio runs its engine — one line per case
// with its loss, logits and gradient errors, then `golden: N passed, M failed`; exits 1 if any case fails.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareGolden, defaultGoldenDir, listGoldenCases, loadGoldenCase, withinTolerance, type GoldenCase } from './golden-case.ts';
import type { HarnessCaseFiles, HarnessResult } from '../test/browser/gpu-harness.ts';
import { caseCapacity } from '../test/browser/run-case.ts';

const args = process.argv.slice(2);
const useDawn = !args.includes('--chromium');
const dir = args.find((a) => !a.startsWith('--')) ?? defaultGoldenDir();
const unknown = args.filter((a) => a.startsWith('--') && a !== '--chromium');
if (unknown.length > 0) {
  console.error(`unknown option ${unknown.join(' ')}; usage: npm run golden -- [<dir>] [--chromium]`);
  process.exit(2);
}

type Runner = {
  adapter: () => Promise<string>;
  run: (c: GoldenCase) => Promise<HarnessResult>;
  /** The same check inside a module Web Worker, where the studio runs its engine (Chromium only). */
  runInWorker?: (c: GoldenCase) => Promise<HarnessResult>;
  close: () => Promise<void>;
};

async function caseFiles(c: GoldenCase): Promise<HarnessCaseFiles> {
  return {
    configJson: await readFile(join(c.dir, 'config.json'), 'utf8'),
    caseJson: await readFile(join(c.dir, 'case.json'), 'utf8'),
    model: (await readFile(join(c.dir, 'model.safetensors'))).toString('base64'),
    caseTensors: (await readFile(join(c.dir, 'case.safetensors'))).toString('base64'),
  };
}

async function chromiumRunner(): Promise<Runner> {
  const { openHarness } = await import('./chromium.ts');
  const session = await openHarness();
  let adapter = '';
  return {
    adapter: async () => adapter,
    async run(c) {
      const r = await session.page.evaluate((f) => window.engineHarness.runCase(f), await caseFiles(c));
      adapter = r.adapter;
      return r;
    },
    runInWorker: async (c) => session.page.evaluate((f) => window.engineHarness.runCaseInWorker(f), await caseFiles(c)),
    close: () => session.close(),
  };
}

async function dawnRunner(): Promise<Runner> {
  const { dawnGpu, releaseDawn } = await import('./dawn.ts');
  const { GpuCausalLM } = await import('../src/engine/model/gpu-lm.ts');
  const gpu = await dawnGpu();
  return {
    adapter: async () => gpu.adapter.name,
    async run(c) {
      const lm = await GpuCausalLM.create(gpu, c.cfg, c.weights, caseCapacity(c.batch.rows, c.batch.columns, c.caseJson.num_virtual_tokens));
      const t0 = performance.now();
      try {
        const out = await lm.forwardFull(c.batch, c.extras);
        return { adapter: gpu.adapter.name, loss: out.loss, logits: Array.from(out.logits), grad: Array.from(out.grad ?? []), seconds: (performance.now() - t0) / 1000 };
      } finally {
        lm.dispose();
      }
    },
    close: async () => releaseDawn(),
  };
}

const runner = useDawn ? await dawnRunner() : await chromiumRunner();
let passed = 0;
let failed = 0;
const cases = listGoldenCases(dir);
// Every case in the page, and the first again inside a module worker (where the studio runs the engine).
const jobs: { dir: string; where: 'page' | 'worker' }[] = cases.map((d) => ({ dir: d, where: 'page' as const }));
if (runner.runInWorker && cases.length > 0) jobs.push({ dir: cases[0], where: 'worker' });
try {
  for (const job of jobs) {
    const c = await loadGoldenCase(job.dir);
    try {
      const out = job.where === 'worker' && runner.runInWorker ? await runner.runInWorker(c) : await runner.run(c);
      const e = compareGolden(c, out);
      const ok = withinTolerance(e);
      if (ok) passed++;
      else failed++;
      console.log(
        `${ok ? 'PASS' : 'FAIL'} ${(job.where === 'worker' ? `${c.name} (worker)` : c.name).padEnd(27)} loss ${out.loss.toFixed(7)} (rel err ${e.lossRel.toExponential(2)})  ` +
          `logits max abs err ${e.logitsAbs.toExponential(2)}  grad err ${e.gradRel.toExponential(2)} × max|grad|`,
      );
    } catch (err) {
      failed++;
      console.log(`FAIL ${c.name.padEnd(27)} ${(err as Error).message.split('\n')[0]}`);
    }
  }
  console.log(`adapter: ${await runner.adapter()} (${useDawn ? 'Dawn in Node' : 'Chromium'})`);
} finally {
  await runner.close();
}
console.log(`golden: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
