// npm run train -- --method compare [--instruction TEXT] [--shots K]: the studio's readable-prompts table (template,
// instruction, k-shot, PEZ, AutoPrompt, soft prompt and its nearest tokens, prefix) with the default settings.
// npm run train -- --method pez|autoprompt: discovers a hard prompt (PEZ or AutoPrompt) on the training split
// in headless Chromium (the studio's engine and tuning code), prints it with its validation metrics next to the
// template alone; with --json one object per search step, then the summary. Options it reads:
//   --virtual-tokens N   prompt length (PEZ) / trigger tokens (AutoPrompt)
//   --steps N            PEZ steps / AutoPrompt iterations
//   --lr X               PEZ learning rate (AdamW; default the paper's 0.1)
//   --candidates K       AutoPrompt candidates re-scored per iteration
//   --batch N, --seed S
import { openHarness } from './chromium.ts';
import { DEFAULT_PEZ_OPTIONS } from '../src/tuning/discrete/pez.ts';
import { DEFAULT_AUTOPROMPT_OPTIONS } from '../src/tuning/discrete/autoprompt.ts';
import { DEFAULT_BASELINE_REQUEST } from '../src/tuning/discrete/baselines.ts';
import type { HarnessDiscoverRequest, HarnessTrainRequest } from '../test/browser/gpu-harness.ts';

export interface DiscoverArgs {
  method: 'pez' | 'autoprompt';
  model: HarnessTrainRequest['model'];
  data: HarnessTrainRequest['data'];
  promptLength?: number;
  steps?: number;
  learningRate?: number;
  candidates?: number;
  batchSize?: number;
  seed?: number;
  json: boolean;
}

export async function runDiscovery(a: DiscoverArgs): Promise<void> {
  const seed = a.seed ?? 42;
  const search: HarnessDiscoverRequest['search'] =
    a.method === 'pez'
      ? {
          method: 'pez',
          options: {
            ...DEFAULT_PEZ_OPTIONS,
            promptLength: a.promptLength ?? DEFAULT_PEZ_OPTIONS.promptLength,
            steps: a.steps ?? DEFAULT_PEZ_OPTIONS.steps,
            learningRate: a.learningRate ?? DEFAULT_PEZ_OPTIONS.learningRate,
            batchSize: a.batchSize ?? DEFAULT_PEZ_OPTIONS.batchSize,
            seed,
          },
        }
      : {
          method: 'autoprompt',
          options: {
            ...DEFAULT_AUTOPROMPT_OPTIONS,
            triggerLength: a.promptLength ?? DEFAULT_AUTOPROMPT_OPTIONS.triggerLength,
            iterations: a.steps ?? DEFAULT_AUTOPROMPT_OPTIONS.iterations,
            candidates: a.candidates ?? DEFAULT_AUTOPROMPT_OPTIONS.candidates,
            batchSize: a.batchSize ?? DEFAULT_AUTOPROMPT_OPTIONS.batchSize,
            seed,
          },
        };
  const session = await openHarness();
  try {
    const r = await session.page.evaluate((q) => window.engineHarness.discover(q), { model: a.model, data: a.data, seed, search });
    const summary = r.lines.at(-1) as { prompt: string; token_ids: number[]; retokenizes: boolean; baseline: { accuracy: number }; discovered: { accuracy: number; macro_f1: number | null }; train_loss: { start: number; best: number }; steps: number; seconds: number };
    if (a.json) {
      for (const line of r.lines) console.log(JSON.stringify(line));
      return;
    }
    console.log(`adapter: ${r.adapter}`);
    console.log(`${a.method === 'pez' ? 'PEZ' : 'AutoPrompt'} prompt (put it before the template): ${JSON.stringify(summary.prompt)}`);
    console.log(`token ids: ${summary.token_ids.join(' ')}${summary.retokenizes ? '' : ' (typing the text tokenises differently)'}`);
    console.log(`training loss ${summary.train_loss.start.toFixed(4)} → ${summary.train_loss.best.toFixed(4)} in ${summary.steps} steps`);
    console.log(
      `validation accuracy: template alone ${summary.baseline.accuracy.toFixed(3)}, with the prompt ${summary.discovered.accuracy.toFixed(3)}` +
        (summary.discovered.macro_f1 === null ? '' : ` (macro-F1 ${summary.discovered.macro_f1.toFixed(3)})`) +
        `; ${summary.seconds.toFixed(1)} s`,
    );
  } finally {
    await session.close();
  }
}

export interface CompareArgs {
  model: HarnessTrainRequest['model'];
  data: HarnessTrainRequest['data'];
  instruction: string;
  shots?: number;
  seed?: number;
  json: boolean;
}

export async function runComparison(a: CompareArgs): Promise<void> {
  const request = { ...DEFAULT_BASELINE_REQUEST, instruction: a.instruction, shots: a.shots ?? DEFAULT_BASELINE_REQUEST.shots, seed: a.seed ?? DEFAULT_BASELINE_REQUEST.seed };
  const session = await openHarness();
  try {
    const r = await session.page.evaluate((q) => window.engineHarness.compareBaselines(q), { model: a.model, data: a.data, request });
    if (a.json) {
      for (const row of r.rows) console.log(JSON.stringify(row));
      console.log(JSON.stringify({ adapter: r.adapter, seconds: r.seconds }));
      return;
    }
    console.log(`adapter: ${r.adapter}`);
    for (const row of r.rows)
      console.log(`${row.title.padEnd(30)} ${row.accuracy === null ? '   —  ' : row.accuracy.toFixed(3)}  ${row.promptText ? JSON.stringify(row.promptText) : ''}  (${row.note}; ${row.seconds.toFixed(1)} s)`);
    console.log(`${r.seconds.toFixed(1)} s in all`);
  } finally {
    await session.close();
  }
}
