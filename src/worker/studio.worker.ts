// The studio worker: owns the GPU device, the model and the trainer (through a TuningSession). A thin
// dispatcher: each request validates, calls into tuning, and maps failures to coded errors; streaming data
// (downloads, steps, evaluations) leaves as events, step metrics batched to a few per second.
import * as Comlink from 'comlink';
import { acquireGpu, NoWebGpuError, type GpuContext } from '../engine/gpu/device.ts';
import { clearModelCache, DEFAULT_HUB_ENDPOINT, hubModelFiles, httpModelFiles, pickedModelFiles, type ModelFiles } from '../engine/io/model-files.ts';
import { estimateGpuBytes, formatBytes } from '../engine/model/memory.ts';
import { parseModelConfig } from '../engine/model/config.ts';
import { checkpointBytes, checkpointParameters, KNOWN_CHECKPOINTS } from '../engine/io/known-checkpoints.ts';
import { countParameters } from '../engine/model/weights.ts';
import { TuningSession } from '../tuning/session.ts';
import { SNIPPET_FILE, transformersJsSnippet } from '../tuning/export/transformers-js-snippet.ts';
import type { ModelLocation } from '../tuning/export/transformers-js-run.ts';
import { parseDataset } from '../tuning/data/parse.ts';
import { checkTemplate } from '../tuning/data/template.ts';
import { dataWarnings, detectTask, splitExamples } from '../tuning/data/prepare.ts';
import type { EvaluationReport } from '../tuning/evaluate.ts';
import { RunRate, secondsLeft } from '../tuning/run-rate.ts';
import { trainRecovering } from '../tuning/train-recovering.ts';
import type { MetaInit } from '../tuning/meta/init-file.ts';
import { metaRunConfig } from '../tuning/meta/meta-session.ts';
import type {
  DatasetSpec, DatasetSummary, DeviceStatus, EvalReport, EvalSide, InitSummary, ModelInfo, ModelSource, RunOutcome, StepMetrics, StudioEvent,
  StudioEventListener, StudioWorkerApi, TrainConfig,
} from './protocol.ts';
import { asStudioError, guarded, StudioError } from './errors.ts';
import { rowsToCsv, TABLE_FILE_NAME, type TableRow } from './table-csv.ts';
import { applyTableDelta } from './table-delta.ts';
import { EvaluationStopped } from '../tuning/evaluate.ts';

let listener: StudioEventListener | null = null;
let pageUrl = self.location.href;
let gpu: GpuContext | null = null;
let lastLoad: { source: ModelSource; cpuFallback: boolean } | null = null;
let deviceLost = false;
let lastSpec: DatasetSpec | null = null;
let pendingSteps: StepMetrics[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;
let runRate = new RunRate();
/** How the last run ended: the phase shown again after an evaluation. */
let lastRunPhase: 'done' | 'stopped' | 'failed' = 'done';
/** The virtual tokens a dataset is checked for when the request does not say (PEFT's usual 16–32). */
const DEFAULT_VIRTUAL_TOKENS = 32;

const emit = (event: StudioEvent) => listener?.(event);

const session = new TuningSession({
  onStatus: (message) => emit({ type: 'model-status', message }),
  onStep: (r) => {
    const rate = runRate.step(r.step, session.trainer?.config.steps ?? r.step, r.tokens);
    pendingSteps.push({ step: r.step, loss: r.loss, learningRate: r.learningRate, ...rate });
    // A chart cannot show more than a few updates a second: batch them.
    flushTimer ??= setTimeout(flushSteps, 250);
  },
  onEval: (e) => {
    flushSteps();
    emit({ type: 'eval', metrics: { step: e.step, validationLoss: e.validationLoss, accuracy: e.accuracy, macroF1: e.macroF1 } });
  },
});

function flushSteps(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  if (pendingSteps.length === 0) return;
  emit({ type: 'steps', metrics: pendingSteps });
  pendingSteps = [];
}

async function device(): Promise<GpuContext> {
  if (gpu) return gpu;
  const ctx = await acquireGpu((self.navigator as Navigator & { gpu?: GPU }).gpu);
  gpu = ctx;
  void ctx.lost.then((info) => {
    if (gpu !== ctx) return;
    gpu = null;
    if (info.reason === 'destroyed') return;
    deviceLost = true;
    emit({ type: 'error', error: { code: 'device-lost', message: `The GPU device was lost (${info.message || 'no reason given'}). The studio restarts it on the next request and resumes from the last checkpoint.` } });
  });
  emit({ type: 'device', status: { kind: 'ready', adapter: ctx.adapter } });
  return ctx;
}

/** Where transformers.js finds the model's files (onnx/model.onnx included); null for a picked folder. */
function modelLocation(source: ModelSource): ModelLocation | null {
  if (source.kind === 'bundled') return { host: new URL('models/', pageUrl).toString(), pathTemplate: '{model}/', id: source.id, revision: 'main' };
  if (source.kind === 'hub') return { host: `${(source.endpoint?.trim() || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '')}/`, pathTemplate: '{model}/resolve/{revision}/', id: source.id.trim(), revision: source.revision.trim() || 'main' };
  return null;
}

function filesFor(source: ModelSource): ModelFiles {
  const onProgress = (p: { file: string; loaded: number; total: number | null; fromCache: boolean; origin?: string; note?: string }) => {
    emit({ type: 'download', file: p.file, loaded: p.loaded, total: p.total, fromCache: p.fromCache, origin: p.origin, note: p.note });
    if (p.note) emit({ type: 'model-status', message: p.note });
  };
  if (source.kind === 'bundled') return httpModelFiles(`${source.id} (bundled)`, new URL(`models/${source.id}/`, pageUrl).toString(), { onProgress });
  if (source.kind === 'hub') return hubModelFiles(source.id.trim(), source.revision.trim() || 'main', onProgress, source.endpoint?.trim() || undefined);
  return pickedModelFiles(source.files);
}

function evalSide(r: EvaluationReport): EvalSide {
  return {
    accuracy: r.accuracy,
    macroF1: r.macroF1,
    confusion: r.confusion,
    text: r.text,
    examples: r.predictions.map((p) => ({ input: p.input, expected: p.expected, predicted: p.predicted, correct: p.correct, margin: p.margin, scores: p.scores })),
    evaluated: r.evaluated,
    available: r.available,
  };
}

/** Progress events for one side of an evaluation, with the time left extrapolated from the rate so far. */
function evalProgress(side: 'untuned' | 'tuned'): (done: number, total: number) => void {
  const t0 = performance.now();
  emit({ type: 'eval-progress', side, done: 0, total: 0, secondsLeft: null });
  return (done, total) => {
    emit({ type: 'eval-progress', side, done, total, secondsLeft: secondsLeft((performance.now() - t0) / 1000, done, total) });
  };
}

function summaryOf(d: ReturnType<TuningSession['setDataset']>): DatasetSummary {
  return {
    ok: d.ok,
    errors: d.errors,
    warnings: d.warnings,
    merges: d.merges,
    kind: d.kind,
    labels: d.labels.names.map((label, i) => ({ label, count: d.labels.counts[i] })),
    train: d.train.length,
    validation: d.validation.length,
    tooLong: d.tooLong,
    preview: d.preview,
    rows: { chatTemplate: d.chatTemplate, chatAvailable: session.tokenizer?.chat != null, bos: d.recipe.bos, rule: d.recipe.prompt_special_tokens.rule },
  };
}

/** The table the page last sent (setTable / patchTable) and its CSV, written once per change. */
let table: { rows: TableRow[]; csv: string | null } = { rows: [], csv: null };

function checkDataset(spec: DatasetSpec): DatasetSummary {
  if (!session.lm) return parseOnlySummary(spec);
  const d = session.setDataset(spec, spec.virtualTokens ?? DEFAULT_VIRTUAL_TOKENS);
  if (d.ok) lastSpec = spec;
  return summaryOf(d);
}

/** Without a model the data can still be checked line by line; tokenising waits for the model. */
function parseOnlySummary(spec: DatasetSpec): DatasetSummary {
  const parsed = parseDataset(spec.text, spec.fileName);
  const templateProblem = checkTemplate(spec.template);
  const errors = [...(templateProblem ? [{ line: 0, message: templateProblem }] : []), ...parsed.errors];
  const task = detectTask(parsed.examples);
  // The same split the model's check will make, so the counts agree with the label chips.
  const split = splitExamples(parsed.examples, { fraction: spec.validationFraction, seed: spec.seed, stratify: task.kind === 'classification' });
  return {
    ok: false,
    errors: errors.length ? errors : [{ line: 0, message: 'the data looks fine; load a model to tokenise it' }],
    ...dataWarnings(parsed, task.labels),
    kind: task.kind,
    labels: task.labels,
    train: split.train.length,
    validation: split.validation.length,
    tooLong: [],
    preview: { text: '', target: '', tokens: 0, prompt: [], answer: [] },
    rows: null,
  };
}

let metaBusy = false; // meta-training or a start comparison holds the GPU like a run does
const busy = () => metaBusy || session.trainer?.phase === 'training' || session.trainer?.phase === 'paused';

function initSummary(i: MetaInit): InitSummary {
  const p = i.provenance;
  return { name: i.name, method: i.method, algorithm: p.algorithm, metaSgd: p.metaSgd, tasks: p.tasks, heldOut: p.heldOut, outerSteps: p.outerSteps, queryLosses: p.queryLosses };
}

/** Runs a long meta-learning request with the run lock held. */
async function exclusive<T>(work: () => Promise<T>): Promise<T> {
  if (busy()) throw new StudioError('busy', 'A run is in progress: stop it first.');
  metaBusy = true;
  try {
    return await guarded(work)();
  } finally {
    metaBusy = false;
  }
}

const api: StudioWorkerApi = {
  subscribe(l, url) {
    listener = l;
    if (url) pageUrl = url;
  },

  async initDevice(): Promise<DeviceStatus> {
    try {
      const ctx = await device();
      return { kind: 'ready', adapter: ctx.adapter };
    } catch (e) {
      const error = e instanceof NoWebGpuError ? { code: 'no-webgpu' as const, message: e.message } : { code: 'internal' as const, message: `Could not start WebGPU: ${(e as Error).message}` };
      const status: DeviceStatus = { kind: 'unavailable', error };
      emit({ type: 'device', status });
      return status;
    }
  },

  async loadModel(source, options = {}): Promise<ModelInfo> {
    if (busy()) throw new StudioError('busy', 'A run is in progress: stop it before loading another model.');
    let ctx: GpuContext | null = null;
    if (!options.cpuFallback) {
      try {
        ctx = await device();
      } catch (e) {
        throw new StudioError('no-webgpu', `${(e as Error).message} Use the CPU fallback for the demo model instead.`);
      }
    }
    const files = filesFor(source);
    let loaded;
    try {
      // f16 weight storage for F16/BF16 checkpoints and for models whose f32 weights exceed the device's buffer limits.
      loaded = await session.loadModel(files, ctx, undefined, 'auto');
    } catch (e) {
      const msg = (e as Error).message;
      throw new StudioError(/buffer|memory/.test(msg) ? 'too-large' : 'model-load', msg);
    }
    lastLoad = { source, cpuFallback: Boolean(options.cpuFallback) };
    if (lastSpec) session.setDataset(lastSpec, lastSpec.virtualTokens ?? DEFAULT_VIRTUAL_TOKENS);
    const cfg = loaded.config;
    const parameters = countParameters(loaded.weights);
    emit({ type: 'model-status', message: 'ready' });
    return {
      name: files.label, family: cfg.family, parameters, hidden: cfg.hidden, layers: cfg.layers, heads: cfg.heads, kvHeads: cfg.kvHeads,
      vocabSize: cfg.vocabSize, maxPositions: cfg.maxPositions, backend: ctx ? 'webgpu' : 'cpu', memoryBytes: estimateGpuBytes(cfg, { rows: 8, tokens: 256 }, session.weightStorage).total,
      maxVirtualTokens: Math.min(session.lm?.capacity.virtualTokens ?? cfg.maxPositions - 1, cfg.maxPositions - 1),
      f16Weights: session.weightStorage === 'f16', fromCache: loaded.origin === 'cache', origin: loaded.origin ?? (source.kind === 'files' ? 'folder' : source.kind),
    };
  },

  async knownCheckpoints() {
    let limits: { maxBufferSize: number; maxStorageBufferBindingSize: number } | null = null;
    try {
      limits = (await device()).device.limits;
    } catch {
      limits = null;
    }
    return KNOWN_CHECKPOINTS.map((k) => {
      const cfg = parseModelConfig(k.config);
      // BF16 checkpoints go to half storage (memory.ts chooseWeightStorage).
      const est = estimateGpuBytes(cfg, { rows: 8, tokens: Math.min(256, cfg.maxPositions) }, 'f16');
      let limit: string | null = limits ? null : 'no WebGPU device';
      if (limits && est.largestBuffer > limits.maxStorageBufferBindingSize)
        limit = `needs a ${formatBytes(est.largestBuffer)} buffer; maxStorageBufferBindingSize is ${formatBytes(limits.maxStorageBufferBindingSize)}`;
      else if (limits && est.largestBuffer > limits.maxBufferSize) limit = `needs a ${formatBytes(est.largestBuffer)} buffer; maxBufferSize is ${formatBytes(limits.maxBufferSize)}`;
      return { id: k.id, note: k.note, parameters: checkpointParameters(k), downloadBytes: checkpointBytes(k), memoryBytes: est.total, fits: limit === null, limit };
    });
  },

  async clearModelCache() {
    await clearModelCache();
  },

  async setDataset(spec): Promise<DatasetSummary> {
    return checkDataset(spec);
  },

  async importDataset(spec) {
    const summary = checkDataset(spec);
    if (!summary.ok) return { summary, rows: null };
    // The rows as the check read them (a split written "val" arrives as "validation").
    const rows = parseDataset(spec.text, spec.fileName).examples.map(({ input, output, split }): TableRow => (split ? { input, output, split } : { input, output }));
    // They become the table: the page takes them as they are, so it need not send them back (importedTable()).
    table = { rows, csv: null };
    return { summary, rows };
  },

  async setTable(rows) {
    table = { rows, csv: null };
  },

  async patchTable(delta) {
    table = { rows: applyTableDelta(table.rows, delta), csv: null };
  },

  async checkTable(spec) {
    table.csv ??= rowsToCsv(table.rows);
    return checkDataset({ ...spec, text: table.csv, fileName: TABLE_FILE_NAME });
  },

  async train(config: TrainConfig): Promise<RunOutcome> {
    if (busy()) throw new StudioError('busy', 'A run is already in progress.');
    if (!session.dataset) throw new StudioError('bad-input', 'Set a dataset without errors first.');
    // Refused before the run starts (no 'training' phase, no steps): the sentences say what to change.
    const problems = session.trainProblems(config);
    if (problems.length > 0) throw new StudioError('bad-input', `These settings cannot train: ${problems.join('; ')}.`);
    runRate = new RunRate();
    emit({ type: 'phase', phase: 'training', message: 'training' });
    try {
      const outcome = await trainRecovering(session, config, {
        deviceLost: () => deviceLost && lastLoad !== null,
        onResume: (step) => emit({ type: 'phase', phase: 'training', message: `GPU device lost; resuming from step ${step}` }),
        reload: async () => {
          deviceLost = false;
          await api.loadModel(lastLoad!.source, { cpuFallback: lastLoad!.cpuFallback });
        },
      });
      flushSteps();
      const phase = outcome.phase === 'diverged' ? 'failed' : outcome.phase === 'stopped' ? 'stopped' : 'done';
      lastRunPhase = phase;
      emit({ type: 'phase', phase, message: outcome.reason });
      return { phase, steps: outcome.steps, finalLoss: outcome.finalLoss, reason: outcome.reason };
    } catch (e) {
      flushSteps();
      lastRunPhase = 'failed';
      emit({ type: 'phase', phase: 'failed', message: (e as Error).message });
      throw asStudioError(e, 'internal');
    }
  },

  async pause() {
    session.trainer?.pause();
    emit({ type: 'phase', phase: 'paused', message: 'paused' });
  },
  async resume() {
    session.trainer?.resume();
    emit({ type: 'phase', phase: 'training', message: 'training' });
  },
  async stop() {
    session.trainer?.stop();
    session.stopEvaluation();
  },

  async evaluate(limit = 0): Promise<EvalReport> {
    try {
      emit({ type: 'phase', phase: 'evaluating', message: 'evaluating the untuned model and the tuned prompt' });
      const baseline = await session.baseline({ limit, onProgress: evalProgress('untuned') });
      const extras = session.tunedExtras();
      const tuned = extras ? await session.evaluate(extras, { limit, onProgress: evalProgress('tuned') }) : null;
      // The badge goes back to how the run ended (a stopped run stays "stopped").
      emit({ type: 'phase', phase: lastRunPhase, message: lastRunPhase === 'stopped' ? 'stopped, then evaluated' : 'evaluated' });
      return { kind: baseline.kind, labels: baseline.labels, baseline: evalSide(baseline), tuned: tuned ? evalSide(tuned) : null };
    } catch (e) {
      if (e instanceof EvaluationStopped) {
        emit({ type: 'phase', phase: lastRunPhase, message: 'evaluation stopped' });
        throw new StudioError('stopped', 'evaluation stopped before it finished; press Evaluate to score again');
      }
      throw asStudioError(e, 'bad-input');
    }
  },

  generate: guarded(async (input, options) => {
    // Both sides draw with the same seed, so a difference comes from the prompt, not from the dice.
    const sampling = { temperature: options.temperature, topK: options.topK, seed: options.seed ?? 0 };
    const base = await session.generate(input, options.maxTokens, {}, sampling);
    const extras = session.tunedExtras();
    return { base, tuned: extras ? await session.generate(input, options.maxTokens, extras, sampling) : null };
  }),

  inspect: guarded(async (topK) => {
    return session.nearestTokens(topK);
  }),

  async exportResult(kind) {
    try {
      const file =
        kind === 'kv-cache'
          ? await session.exportKvCache()
          : kind === 'transformers-js'
            ? { fileName: SNIPPET_FILE, mime: 'text/javascript', bytes: new TextEncoder().encode(transformersJsSnippet) }
            : await session.exportResult(kind);
      return Comlink.transfer(file, [file.bytes.buffer as ArrayBuffer]);
    } catch (e) {
      throw asStudioError(e, 'bad-input');
    }
  },

  async tryInTransformersJs(input, maxTokens) {
    try {
      const source = lastLoad?.source;
      const model = source ? modelLocation(source) : null;
      if (!model) throw new StudioError('bad-input', 'Try it in transformers.js needs a model served by URL (the bundled demo model or a Hub id); transformers.js cannot read a picked folder');
      const cache = await session.exportKvCache();
      const engine = await session.greedyReply(input, maxTokens);
      // Lazy: onnxruntime-web's wasm is fetched only from here, never on the studio's first load.
      const { runWithTransformersJs } = await import('../tuning/export/transformers-js-run.ts');
      const tjs = await runWithTransformersJs({ model, cacheBytes: cache.bytes, text: engine.promptText, maxNewTokens: maxTokens, onProgress: (message) => emit({ type: 'tjs-progress', message }) });
      const same = tjs.inputIds.join() === engine.inputIds.join() && tjs.ids.join() === engine.ids.join();
      return { promptText: engine.promptText, inputIds: engine.inputIds, engine: { ids: engine.ids, text: engine.text }, transformersJs: tjs, same };
    } catch (e) {
      throw asStudioError(e, 'bad-input');
    }
  },

  importCheckpoint: guarded(async (bytes) => {
    const state = session.importCheckpoint(bytes);
    return { steps: state.step, method: state.options };
  }),

  importAdapter: guarded(async (files) => {
    if (busy()) throw new StudioError('busy', 'A run is in progress: stop it before importing an adapter.');
    return session.importAdapter(files);
  }),

  metaTrain(req) {
    return exclusive(async () => {
      const total = req.choice.steps;
      const init = await session.metaTrain(req.tasks, metaRunConfig(req.choice), req.name, req.heldOut, {
        onMetaStep: (r) => emit({ type: 'meta-step', step: r.step, total, loss: r.queryLossAfter, tasks: r.tasks }),
        onMultitaskStep: (r) => emit({ type: 'meta-step', step: r.step, total, loss: r.loss, tasks: [r.task] }),
      });
      return initSummary(init);
    });
  },

  async stopMeta() {
    session.stopMeta();
  },

  compareStarts(name, config, taskName, steps) {
    return exclusive(async () => {
      if (!session.dataset) throw new StudioError('bad-input', 'Set a dataset without errors first: it is the held-out task the starts are compared on.');
      const r = await session.compareStarts(name, config, taskName, { steps, onPoint: (start, p) => emit({ type: 'curve-point', start, steps: p.steps, accuracy: p.accuracy }) });
      return { task: r.task, curves: r.curves, verdict: r.verdict?.sentence ?? null, speedup: r.verdict?.speedup ?? null };
    });
  },

  addInit: guarded(async (bytes) => {
    return initSummary(session.addInit(bytes));
  }),

  exportInit: guarded(async (name) => {
    const file = session.initFile(name);
    return Comlink.transfer(file, [file.bytes.buffer as ArrayBuffer]);
  }),

  compareBaselines(request) {
    return exclusive(async () => {
      if (!session.dataset) throw new StudioError('bad-input', 'Set a dataset without errors first: the comparison runs on its validation split.');
      return session.compareBaselines(request, {
        onProgress: (p) => emit({ type: 'baseline-progress', row: p.row, message: p.message, fraction: p.fraction }),
        onRow: (row) => emit({ type: 'baseline-row', row }),
      });
    });
  },

  async stopBaselines() {
    session.stopDiscrete();
  },

  crossValidate(request) {
    return exclusive(async () => {
      if (!session.dataset) throw new StudioError('bad-input', 'Set a dataset without errors first: cross-validation folds its rows.');
      return session.crossValidate(request.config, { folds: request.folds, seeds: request.seeds, instruction: request.instruction }, {
        onProgress: (message, fraction) => emit({ type: 'cv-progress', message, fraction }),
        onRun: (run, done, total) => emit({ type: 'cv-run', run, done, total }),
      });
    });
  },

  async stopCrossValidation() {
    session.stopCrossValidation();
  },

  brittleness(request) {
    return exclusive(async () => {
      if (!session.dataset) throw new StudioError('bad-input', 'Set a dataset without errors first: brittleness is measured on its validation split.');
      return session.brittleness(request, { onProgress: (message, fraction) => emit({ type: 'br-progress', message, fraction }) });
    });
  },

  learningCurve(request) {
    return exclusive(async () => {
      if (!session.dataset) throw new StudioError('bad-input', 'Set a dataset without errors first: the curve trains on its training split.');
      return session.learningCurve(request.config, request.sizes, request.seeds, {
        onProgress: (message, fraction) => emit({ type: 'lc-progress', message, fraction }),
        onRun: (run, done, total) => emit({ type: 'lc-run', run, done, total }),
      });
    });
  },

  readOutSoftPrompt() {
    return exclusive(async () => {
      const projected = await session.projectedSoftPrompt();
      const soft = await session.evaluate(session.tunedExtras() ?? {});
      return { text: projected.text, tokenIds: projected.ids, accuracy: projected.report.accuracy, tunedAccuracy: soft.accuracy };
    });
  },
};

Comlink.expose(api);
