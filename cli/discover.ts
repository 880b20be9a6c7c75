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
