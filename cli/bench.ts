// npm run bench -- [--json] [--chromium] [--reps N]: matmul GFLOP/s next to the naive kernel, and training-step time,
// tokens/s, achieved GFLOP/s, dispatches per step and GPU memory for the demo model and a GPT-2-small-shaped model
// with random weights, each with f32 and f16 weight storage; generation tokens/s on the demo model with the KV
// cache next to the full recompute.
// Dawn in Node by default (SwiftShader without a GPU); --chromium runs it in a headless Chromium page instead.
// --real-shapes [--only id,id]: true-size checkpoints from a local Hub, in Chromium (cli/bench-real-shapes.ts).
// --evaluation: only the evaluation rows/s (batched vs one example per call), Dawn.
// --long-tasks [--steps N]: long main-thread tasks in the production studio while the demo model loads and while
// a run of N steps (default 24) trains and evaluates, in headless Chromium (cli/bench-long-tasks.ts).
import { parseArgs } from 'node:util';
import type { HarnessBenchRequest, HarnessBenchResult } from '../test/browser/bench-suite.ts';
import { isSoftwareAdapter } from '../src/engine/gpu/device.ts';

const { values: a } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    chromium: { type: 'boolean', default: false },
    reps: { type: 'string', default: '3' },
    'real-shapes': { type: 'boolean', default: false }, // true-size checkpoints from the local Hub, in Chromium (cli/bench-real-shapes.ts)
    only: { type: 'string' }, // with --real-shapes: a comma-separated list of Hub ids
    evaluation: { type: 'boolean', default: false },
    'long-tasks': { type: 'boolean', default: false },
    steps: { type: 'string', default: '24' }, // with --long-tasks: the run's steps
  },
});
const printEvaluation = (rows: HarnessBenchResult['evaluation']) => {
  for (const e of rows)
    console.log(
      `evaluation ${e.model}, ${e.rows} classification rows: batched ${e.batchedRowsPerSecond.toFixed(2)} rows/s (${e.examplesPerCall} per call), ` +
        `one per call ${e.oneAtATimeRowsPerSecond.toFixed(2)} rows/s, ${e.speedup.toFixed(1)}×${e.samePredictions ? '' : ' — PREDICTIONS DIFFER'}; ` +
        `generation ${e.generationRowsPerSecond.toFixed(2)} rows/s (${e.generationRows} rows)`,
    );
};
if (a.evaluation) {
  const { dawnGpu, releaseDawn } = await import('./dawn.ts');
  const { directoryModelFiles } = await import('./node-files.ts');
  const { runEvaluationBench } = await import('../test/browser/bench-suite.ts');
  const gpu = await dawnGpu();
  const rows = await runEvaluationBench(gpu, directoryModelFiles('public/models/demo'));
  releaseDawn();
  if (a.json) console.log(JSON.stringify({ adapter: gpu.adapter.name, evaluation: rows }, null, 2));
  else {
    console.log(`adapter: ${gpu.adapter.name}`);
    printEvaluation(rows);
  }
  process.exit(0);
}
if (a['long-tasks']) {
  const { benchLongTasks, longTasksTable } = await import('./bench-long-tasks.ts');
  const report = await benchLongTasks(Number(a.steps));
  console.log(a.json ? JSON.stringify(report, null, 2) : longTasksTable(report));
  process.exit(0);
}
if (a['real-shapes']) {
  const { benchRealShapes, realShapesTable } = await import('./bench-real-shapes.ts');
  const rows = await benchRealShapes(a.only?.split(','));
  console.log(a.json ? JSON.stringify(rows, null, 2) : realShapesTable(rows));
  process.exit(0);
}
// A CPU-emulated GPU (SwiftShader, lavapipe) runs at a few GFLOP/s: a GPT-2-small step on one short row already
// takes seconds there, so the GPT-2 batch is 1×16 tokens on those and 8×128 on a real GPU.
const reps = Number(a.reps);

let result: HarnessBenchResult;
if (!a.chromium) {
  const { dawnGpu, releaseDawn } = await import('./dawn.ts');
  const { directoryModelFiles } = await import('./node-files.ts');
  const { runBench } = await import('../test/browser/bench-suite.ts');
  const gpu = await dawnGpu();
  const software = isSoftwareAdapter(gpu.adapter.name);
  result = await runBench(gpu, { reps, gpt2Rows: software ? 1 : 8, gpt2Tokens: software ? 16 : 128 }, directoryModelFiles('public/models/demo'));
  releaseDawn();
} else {
  const req: HarnessBenchRequest = { reps, gpt2Rows: 1, gpt2Tokens: 16 };
  const { openHarness } = await import('./chromium.ts');
  const session = await openHarness();
  try {
    result = await session.page.evaluate((r) => window.engineHarness.bench(r), req);
  } finally {
    await session.close();
  }
}
if (a.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`adapter: ${result.adapter} [${result.features.join(', ')}]`);
  for (const m of result.matmul)
    console.log(`matmul ${m.shape}: ${m.tiledGflops.toFixed(2)} GFLOP/s, naive ${m.naiveGflops.toFixed(2)} GFLOP/s, ${m.speedup.toFixed(1)}×; f16 weights ${m.f16Gflops.toFixed(2)} GFLOP/s`);
  for (const s of result.steps)
    console.log(`${s.model} (${(s.parameters / 1e6).toFixed(1)}M params) batch ${s.batch}, ${s.weightStorage} weights (${s.weightMiB.toFixed(1)} MiB): ${s.stepMs.toFixed(0)} ms/step, ${s.tokensPerSecond.toFixed(0)} tokens/s, ${s.gflops.toFixed(2)} GFLOP/s, ${s.dispatchesPerStep} dispatches/step, ~${s.gpuMemoryMiB.toFixed(0)} MiB`);
  for (const g of result.generation)
    console.log(
      `generation ${g.model}, ${g.promptTokens}-token prompt, ${g.newTokens} new tokens (greedy): KV cache ${g.cachedTokensPerSecond.toFixed(1)} tokens/s ` +
        `(prefill ${g.prefillMs.toFixed(0)} ms, ${g.dispatchesPerToken} dispatches/token, ${g.buffersCreatedPerToken} buffers created/token), ` +
        `full recompute ${g.recomputeTokensPerSecond.toFixed(1)} tokens/s, ${g.speedup.toFixed(1)}×${g.sameTokens ? '' : ' — TOKENS DIFFER'}`,
    );
  printEvaluation(result.evaluation);
}
process.exit(0);
