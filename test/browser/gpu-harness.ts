// Runs the WebGPU engine inside Chromium for Node-side drivers (cli/golden.ts, GPU tests): a page-level API on
// `window.engineHarness`. Inputs arrive as base64 file contents, exactly the files of a golden case directory.
import * as Comlink from 'comlink';
import { acquireGpu } from '../../src/engine/gpu/device.ts';
import { fromBase64, runCase, type HarnessCaseFiles, type HarnessResult } from './run-case.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import { hubModelFiles, httpModelFiles, type ModelFiles } from '../../src/engine/io/model-files.ts';
import type { TrainConfig } from '../../src/tuning/train-config.ts';
import { runBench, type HarnessBenchRequest, type HarnessBenchResult } from './bench-suite.ts';
import { parseModelConfig } from '../../src/engine/model/config.ts';
import { parseSafetensors } from '../../src/engine/io/safetensors.ts';
import { loadWeights } from '../../src/engine/model/load-weights.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';
import type { CausalLM } from '../../src/engine/model/causal-lm.ts';
import { Trainer } from '../../src/tuning/trainer.ts';
import type { PezOptions } from '../../src/tuning/discrete/pez.ts';
import type { AutoPromptOptions } from '../../src/tuning/discrete/autoprompt.ts';
import type { BaselineRequest, BaselineRow } from '../../src/tuning/discrete/baselines.ts';
import type { EvaluationReport } from '../../src/tuning/evaluate.ts';
import { realShape } from './bench-real-shapes.ts';

export type { HarnessCaseFiles, HarnessResult, HarnessBenchRequest, HarnessBenchResult };

async function runCaseInWorker(files: HarnessCaseFiles): Promise<HarnessResult> {
  const worker = new Worker(new URL('./golden.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await Comlink.wrap<{ runCase: typeof runCase }>(worker).runCase(files);
  } finally {
    worker.terminate();
  }
}

declare global {
  interface Window {
    engineHarness: {
      runCase: typeof runCase;
      runCaseInWorker: typeof runCaseInWorker;
      train: (req: HarnessTrainRequest) => Promise<HarnessTrainResult>;
      bench: (req: HarnessBenchRequest) => Promise<HarnessBenchResult>;
      trajectory: (req: HarnessTrajectoryRequest) => Promise<{ gpu: number[]; reference: number[] }>;
      discover: (req: HarnessDiscoverRequest) => Promise<HarnessDiscoverResult>;
      compareBaselines: (req: HarnessCompareRequest) => Promise<{ adapter: string; rows: BaselineRow[]; seconds: number }>;
      crossValidate: (req: HarnessCrossValidateRequest) => Promise<{ adapter: string; lines: object[] }>;
      learningCurve: (req: HarnessCurveRequest) => Promise<{ adapter: string; lines: object[] }>;
      ready: boolean;
    };
    /** Set by cli/train.ts (page.exposeFunction): evaluation progress reaches the terminal as it happens. */
    __cliProgress?: (p: { side: 'untuned' | 'tuned'; done: number; total: number }) => Promise<void>;
  }
}

window.engineHarness = { runCase, runCaseInWorker, train: () => Promise.reject(new Error('not ready')), bench: () => Promise.reject(new Error('not ready')), trajectory: () => Promise.reject(new Error('not ready')), discover: () => Promise.reject(new Error('not ready')), compareBaselines: () => Promise.reject(new Error('not ready')), crossValidate: () => Promise.reject(new Error('not ready')), learningCurve: () => Promise.reject(new Error('not ready')), ready: false };

// ── command-line training (cli/train.ts) ────────────────────────────────────────────────────────────────

export interface HarnessTrainRequest {
  // A local folder arrives by URL (cli/chromium.ts serveLocalDirectory), streamed like a download.
  model: { kind: 'url'; label: string; base: string } | { kind: 'hub'; id: string; revision: string };
  data: { text: string; fileName: string; template: string; validationFraction: number; chatTemplate?: boolean | 'auto' };
  config: TrainConfig;
  startFile?: string; // base64 of an initialisation file (npm run train -- --init meta:<file>)
}

export interface HarnessTrainResult {
  adapter: string;
  lines: object[]; // one per evaluation, then the summary
  adapterZip: string; // base64
  kvCache: string; // base64 kv-cache.safetensors
  adapterConfig: string;
  adapterSafetensors: string; // base64
  rowFormat: string; // row_format.json: how a row was built
  checkpoint: string; // base64
  /** One per validation row: the expected answer, the untuned model's and the tuned prompt's (predictions.jsonl). */
  predictions: HarnessPrediction[];
}

export interface HarnessPrediction {
  input: string;
  expected: string;
  baseline: string;
  tuned: string;
  baseline_margin?: number | null; // classification: chosen label's log-likelihood minus the runner-up's
  tuned_margin?: number | null;
}

/** The JSON metrics of one evaluation: accuracy and macro-F1, and for free text exact match, token F1, ROUGE-L, chrF. */
/** A report's metrics for the CLI's JSON, with how many validation examples they come from (an evaluation limit). */
function metricsJson(r: EvaluationReport): Record<string, number | null> {
  const base = { accuracy: r.accuracy, macro_f1: r.macroF1, examples: r.evaluated, of: r.available };
  return r.text ? { ...base, exact_match: r.text.exactMatch, token_f1: r.text.tokenF1, rouge_l: r.text.rougeL, chrf: r.text.chrf } : base;
}

function predictionRows(baseline: EvaluationReport, tuned: EvaluationReport): HarnessPrediction[] {
  return baseline.predictions.map((b, i) => {
    const t = tuned.predictions[i];
    const row: HarnessPrediction = { input: b.input, expected: b.expected, baseline: b.predicted, tuned: t.predicted };
    if (baseline.kind === 'classification') Object.assign(row, { baseline_margin: b.margin, tuned_margin: t.margin });
    return row;
  });
}

const toBase64 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};

/** The model files of a request: a folder served by URL (relative to this page), or a Hub id. */
function modelFilesOf(model: HarnessTrainRequest['model']): ModelFiles {
  return model.kind === 'url' ? httpModelFiles(model.label, new URL(model.base, location.href).href, { origin: 'folder', retries: 0 }) : hubModelFiles(model.id, model.revision);
}

async function train(req: HarnessTrainRequest): Promise<HarnessTrainResult> {
  const t0 = performance.now();
  const gpu = await acquireGpu(navigator.gpu);
  const lines: object[] = [];
  const session = new TuningSession({
    onEval: (e) => lines.push({ step: e.step, validation_loss: e.validationLoss, accuracy: e.accuracy, macro_f1: e.macroF1 }),
  });
  const files = modelFilesOf(req.model);
  await session.loadModel(files, gpu, { rows: Math.max(8, req.config.batchSize), tokens: 256 });
  const d = session.setDataset({ ...req.data, seed: req.config.seed }, req.config.method.virtualTokens);
  if (!d.ok) throw new Error(`the data has errors:\n${d.errors.map((e) => e.message).join('\n')}`);
  const progress = (side: 'untuned' | 'tuned') => (done: number, total: number) => window.__cliProgress?.({ side, done, total });
  const limit = req.config.evalLimit;
  const baseline = await session.baseline({ limit, onProgress: progress('untuned') });
  const start = req.startFile ? session.addInit(fromBase64(req.startFile)) : null;
  const outcome = await session.train(start ? { ...req.config, startFrom: start.name } : req.config);
  const tuned = await session.evaluate(session.tunedExtras() ?? {}, { limit, onProgress: progress('tuned') });
  lines.push({
    method: req.config.method.method,
    start: start ? `meta-learned: ${start.name}` : `${req.config.method.method} default init`,
    steps: outcome.steps,
    final_loss: outcome.finalLoss,
    outcome: outcome.reason,
    baseline: metricsJson(baseline),
    tuned: metricsJson(tuned),
    seconds: (performance.now() - t0) / 1000,
  });
  const zip = await session.exportResult('peft-zip');
  const { unzipSync, strFromU8 } = await import('fflate');
  const entries = unzipSync(zip.bytes);
  return {
    adapter: gpu.adapter.name,
    lines,
    adapterZip: toBase64(zip.bytes),
    adapterConfig: strFromU8(entries['adapter_config.json']),
    adapterSafetensors: toBase64(entries['adapter_model.safetensors']),
    rowFormat: strFromU8(entries['row_format.json']),
    checkpoint: toBase64((await session.exportResult('checkpoint')).bytes),
    kvCache: toBase64((await session.exportKvCache()).bytes),
    predictions: predictionRows(baseline, tuned),
  };
}

window.engineHarness.train = train;

// ── hard-prompt discovery (npm run train -- --method pez|autoprompt) ─────────────────────────────────────────
export interface HarnessDiscoverRequest {
  model: HarnessTrainRequest['model'];
  data: HarnessTrainRequest['data'];
  seed: number;
  search: { method: 'pez'; options: PezOptions } | { method: 'autoprompt'; options: AutoPromptOptions };
}

export interface HarnessDiscoverResult {
  adapter: string;
  lines: object[]; // one per search step, then the summary
}

async function discover(req: HarnessDiscoverRequest): Promise<HarnessDiscoverResult> {
  const t0 = performance.now();
  const gpu = await acquireGpu(navigator.gpu);
  const session = new TuningSession();
  const files = modelFilesOf(req.model);
  const options = req.search.options;
  const promptLength = 'promptLength' in options ? options.promptLength : options.triggerLength;
  await session.loadModel(files, gpu, { rows: Math.max(8, options.batchSize), tokens: 256 });
  const d = session.setDataset({ ...req.data, seed: req.seed }, promptLength);
  if (!d.ok) throw new Error(`the data has errors:\n${d.errors.map((e) => e.message).join('\n')}`);
  const baseline = await session.evaluate({});
  const lines: object[] = [];
  const tok = session.tokenizer!;
  const found = await session.discoverHardPrompt(req.search, {
    onStep: (s) => lines.push({ step: s.step, loss: s.loss, best_train_loss: s.bestLoss, prompt: tok.decode(s.ids) }),
  });
  lines.push({
    method: req.search.method,
    prompt: found.text,
    token_ids: found.result.ids,
    retokenizes: tok.encode(found.text).join(',') === found.result.ids.join(','),
    steps: found.result.steps,
    train_loss: { start: found.result.initialScoreLoss, best: found.result.scoreLoss },
    baseline: { accuracy: baseline.accuracy, macro_f1: baseline.macroF1 },
    discovered: { accuracy: found.report.accuracy, macro_f1: found.report.macroF1, validation_loss: found.report.validationLoss },
    search_seconds: found.result.seconds,
    seconds: (performance.now() - t0) / 1000,
  });
  session.lm?.dispose();
  return { adapter: gpu.adapter.name, lines };
}

window.engineHarness.discover = discover;

// The readable-prompts table (npm run train -- --method compare): the studio's comparison, on WebGPU.
export interface HarnessCompareRequest {
  model: HarnessTrainRequest['model'];
  data: HarnessTrainRequest['data'];
  request: BaselineRequest;
}

async function compareBaselinesOnGpu(req: HarnessCompareRequest): Promise<{ adapter: string; rows: BaselineRow[]; seconds: number }> {
  const t0 = performance.now();
  const gpu = await acquireGpu(navigator.gpu);
  const session = new TuningSession();
  const files = modelFilesOf(req.model);
  await session.loadModel(files, gpu, { rows: Math.max(8, req.request.pez.batchSize, req.request.autoprompt.batchSize), tokens: 256 });
  const d = session.setDataset({ ...req.data, seed: req.request.seed }, 16);
  if (!d.ok) throw new Error(`the data has errors:\n${d.errors.map((e) => e.message).join('\n')}`);
  const rows = await session.compareBaselines(req.request);
  session.lm?.dispose();
  return { adapter: gpu.adapter.name, rows, seconds: (performance.now() - t0) / 1000 };
}

window.engineHarness.compareBaselines = compareBaselinesOnGpu;

// ── cross-validation (npm run train -- --folds K --seeds N) ─────────────────────────────────────────────────
export interface HarnessCrossValidateRequest {
  model: HarnessTrainRequest['model'];
  data: HarnessTrainRequest['data'];
  config: TrainConfig;
  folds: number;
  seeds: number;
  instruction?: string; // the hand-written baseline, scored on the same folds
}

/** One JSON line per fold and seed, then the summary with `cv` (tuned) and `baseline` (untuned, same folds). */
async function crossValidateOnGpu(req: HarnessCrossValidateRequest): Promise<{ adapter: string; lines: object[] }> {
  const gpu = await acquireGpu(navigator.gpu);
  const session = new TuningSession();
  const files = modelFilesOf(req.model);
  await session.loadModel(files, gpu, { rows: Math.max(8, req.config.batchSize), tokens: 256 });
  const d = session.setDataset({ ...req.data, seed: req.config.seed }, req.config.method.virtualTokens);
  if (!d.ok) throw new Error(`the data has errors:\n${d.errors.map((e) => e.message).join('\n')}`);
  const r = await session.crossValidate(req.config, { folds: req.folds, seeds: req.seeds, instruction: req.instruction });
  const lines: object[] = r.runs.map((x) => ({
    fold: x.fold + 1, seed: x.seed, train: x.train, validation: x.validation, steps: x.steps, final_loss: x.finalLoss,
    baseline: x.baseline, ...(x.instruction ? { instruction: x.instruction } : {}), tuned: x.tuned, seconds: x.seconds,
  }));
  lines.push({
    method: req.config.method.method, kind: r.kind, folds: r.folds, seeds: r.seeds, runs: r.runs.length, steps: req.config.steps,
    stratified: r.kind === 'classification', cv: r.tuned, baseline: r.baseline, ...(r.instruction ? { instruction: r.instruction } : {}), seconds: r.seconds,
  });
  session.lm?.dispose();
  return { adapter: gpu.adapter.name, lines };
}

window.engineHarness.crossValidate = crossValidateOnGpu;

// ── learning curve (npm run train -- --curve 8,16,32,64 [--seeds N]) ─────────────────────────────────────────
export interface HarnessCurveRequest {
  model: HarnessTrainRequest['model'];
  data: HarnessTrainRequest['data'];
  config: TrainConfig;
  sizes: number[];
  seeds: number;
}

/** One JSON line per size and seed, then the summary: per size mean/std/values, and the untuned baseline. */
async function learningCurveOnGpu(req: HarnessCurveRequest): Promise<{ adapter: string; lines: object[] }> {
  const gpu = await acquireGpu(navigator.gpu);
  const session = new TuningSession();
  const files = modelFilesOf(req.model);
  await session.loadModel(files, gpu, { rows: Math.max(8, req.config.batchSize), tokens: 256 });
  const d = session.setDataset({ ...req.data, seed: req.config.seed }, req.config.method.virtualTokens);
  if (!d.ok) throw new Error(`the data has errors:\n${d.errors.map((e) => e.message).join('\n')}`);
  const r = await session.learningCurve(req.config, req.sizes, req.seeds);
  const lines: object[] = r.runs.map((x) => ({ examples: x.size, seed: x.seed, steps: x.steps, tuned: x.tuned, seconds: x.seconds }));
  lines.push({
    method: req.config.method.method, kind: r.kind, seeds: r.seeds, steps: req.config.steps, validation: d.validation.length,
    curve: r.points.map((p) => ({ examples: p.size, ...p.tuned })), baseline: r.baseline, seconds: r.seconds,
  });
  session.lm?.dispose();
  return { adapter: gpu.adapter.name, lines };
}

window.engineHarness.learningCurve = learningCurveOnGpu;
window.engineHarness.bench = bench;
// npm run bench -- --real-shapes (cli/bench.ts)
(window.engineHarness as unknown as Record<string, unknown>).realShape = realShape;

// ── benchmarks (cli/bench.ts; the suite itself is in bench-suite.ts, which Dawn in Node runs too) ─────────
async function bench(req: HarnessBenchRequest): Promise<HarnessBenchResult> {
  const gpu = await acquireGpu(navigator.gpu);
  return runBench(gpu, req, httpModelFiles('demo', new URL('/models/demo/', location.href).toString()));
}

// ── trainer trajectory: WebGPU engine vs float64 reference (test/tuning/gpu-trajectory.test.ts) ────────────
export interface HarnessTrajectoryRequest {
  files: HarnessCaseFiles;
  config: TrainConfig;
  examples: { prompt: number[]; target: number[] }[];
}

async function trajectory(req: HarnessTrajectoryRequest): Promise<{ gpu: number[]; reference: number[] }> {
  const gpu = await acquireGpu(navigator.gpu);
  const cfg = parseModelConfig(JSON.parse(req.files.configJson));
  const model = parseSafetensors(fromBase64(req.files.model));
  const weights = loadWeights(cfg, (n) => model.tensor(n), model.names());
  const examples = req.examples.map((e) => ({ input: '', output: '', ...e }));
  const run = async (lm: CausalLM) => {
    const trainer = new Trainer(lm, req.config, examples);
    for (let i = 0; i < req.config.steps; i++) await trainer.trainStep();
    return trainer.losses;
  };
  const gpuLm = await GpuCausalLM.create(gpu, cfg, weights, { rows: req.config.batchSize, tokens: 64, virtualTokens: 16 });
  try {
    return { gpu: await run(gpuLm), reference: await run(new ReferenceCausalLM(cfg, weights)) };
  } finally {
    gpuLm.dispose();
    gpu.device.destroy();
  }
}

window.engineHarness.trajectory = trajectory;
window.engineHarness.ready = true;
