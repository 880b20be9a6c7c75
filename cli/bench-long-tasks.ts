// npm run bench -- --long-tasks [--steps N] [--json]: long main-thread tasks (over 50 ms, as Chromium's Long Tasks
// API reports them) in the production build while the demo model loads and while a short run trains and evaluates
// on the first sample, driven through the page like a user (the e2e test ids). Numbers only, no bounds: on a
// shared machine whose "GPU" is SwiftShader on the same cores, task lengths follow the machine's load, which is
// why this left the e2e suite (issue 16).
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS } from './chromium.ts';
import type { StudioTestState } from '../src/app/test-hook-types.ts';

export interface LongTaskPhase {
  phase: 'model load' | 'training run';
  wallMs: number;
  /** Each long task: when it started (ms from the phase's start) and how long it took. */
  tasks: { startMs: number; durationMs: number }[];
  count: number;
  totalMs: number;
  longestMs: number;
  medianMs: number;
}

export interface LongTaskReport {
  adapter: string;
  steps: number;
  phases: LongTaskPhase[];
}

function summarise(phase: LongTaskPhase['phase'], wallMs: number, tasks: LongTaskPhase['tasks']): LongTaskPhase {
  const d = tasks.map((t) => t.durationMs).sort((a, b) => a - b);
  return {
    phase,
    wallMs,
    tasks,
    count: d.length,
    totalMs: d.reduce((a, b) => a + b, 0),
    longestMs: d.at(-1) ?? 0,
    medianMs: d.length ? d[Math.floor(d.length / 2)] : 0,
  };
}

export async function benchLongTasks(steps: number): Promise<LongTaskReport> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const outDir = mkdtempSync(join(tmpdir(), 'sps-long-tasks-'));
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root, logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await (await browser.newContext()).newPage();
    // Long tasks from the first script on, with their start relative to a mark the bench moves per phase.
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const state = () => page.evaluate(() => window.__studio!.state());
    const waitFor = async (what: string, ok: (s: StudioTestState) => boolean, timeoutMs = 600_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await state();
        if (ok(s)) return s;
        if (s.phase === 'failed' || s.modelState === 'failed' || s.deviceState === 'unavailable') throw new Error(`${what}: the studio failed (${JSON.stringify(s)})`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify(s)}`);
        await page.waitForTimeout(100);
      }
    };
    const takeTasks = (since: number) =>
      page.evaluate((t0) => {
        const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
        const out = w.__longTasks.filter((t) => t.start >= t0).map((t) => ({ startMs: t.start - t0, durationMs: t.duration }));
        return out;
      }, since);
    const now = () => page.evaluate(() => performance.now());

    await page.goto(server.resolvedUrls!.local[0]);
    await page.waitForFunction(() => window.__studio !== undefined);
    await waitFor('the demo model and the first sample', (s) => s.modelLoaded && s.datasetOk === true && !s.validating);
    const loadEnd = await now();
    const load = summarise('model load', loadEnd, await takeTasks(0));
    const adapter = (await page.getByTestId('status.adapter').textContent()) ?? '';

    await page.getByTestId('hyper.steps').fill(String(steps));
    await page.getByTestId('hyper.evalEvery').fill(String(Math.max(1, Math.floor(steps / 3))));
    await waitFor('the settings to be accepted', (s) => s.fieldProblems.length === 0 && !s.validating);
    const runStart = await now();
    await page.getByTestId('train.start').click();
    await waitFor('the run and its evaluation', (s) => s.runs > 0 && s.hasReport && (s.phase === 'done' || s.phase === 'stopped'));
    const run = summarise('training run', (await now()) - runStart, await takeTasks(runStart));
    return { adapter, steps, phases: [load, run] };
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

export function longTasksTable(r: LongTaskReport): string {
  const lines = [`adapter: ${r.adapter}; production build in headless Chromium; long task = over 50 ms on the page's main thread`];
  for (const p of r.phases)
    lines.push(
      `${p.phase}${p.phase === 'training run' ? ` (${r.steps} steps + evaluations)` : ''}: ${(p.wallMs / 1000).toFixed(1)} s, ${p.count} long tasks, ` +
        `${p.totalMs.toFixed(0)} ms in them (${((100 * p.totalMs) / Math.max(1, p.wallMs)).toFixed(1)}% of the time), longest ${p.longestMs.toFixed(0)} ms, median ${p.medianMs.toFixed(0)} ms` +
        (p.count ? `\n  ${p.tasks.map((t) => `${t.durationMs.toFixed(0)} ms at ${(t.startMs / 1000).toFixed(1)} s`).join(', ')}` : ''),
    );
  return lines.join('\n');
}
