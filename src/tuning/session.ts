// One tuning session: a frozen model with its tokenizer, a prepared dataset, and at most one trainer. The studio
// worker and the command line (through the engine harness page) both drive this class; it knows nothing of
// either — progress leaves through the callbacks it is given.
import type { GpuContext } from '../engine/gpu/device.ts';
import type { CausalLM } from '../engine/model/causal-lm.ts';
import { loadModel, readJson, type LoadedModel } from '../engine/io/load-model.ts';
import type { ModelFiles } from '../engine/io/model-files.ts';
import { GpuCausalLM } from '../engine/model/gpu-lm.ts';
import { chooseWeightStorage } from '../engine/model/memory.ts';
import { fitsHalf } from '../engine/model/weights.ts';
import type { WeightStorage } from '../engine/kernels/weight-storage.ts';
import { ReferenceCausalLM } from '../engine/reference/reference-lm.ts';
import { prefixRowWidth } from '../engine/model/config.ts';
import type { ExtraInputs } from '../engine/model/batch.ts';
import type { SamplingOptions } from '../engine/model/sampling.ts';
import { prepareDataset, type DatasetRequest, type PreparedDataset } from './data/prepare.ts';
import { tokenizerFromJson, type TextTokenizer } from './data/tokenizer.ts';
import { renderTemplate } from './data/template.ts';
import { encodePrompt } from './data/row-format.ts';
import { evaluateClassification, evaluateGeneration, type EvaluateOptions, type EvaluationReport } from './evaluate.ts';

export interface SessionEvalOptions {
  /** Score only the first `limit` validation examples (a quick look); 0 or absent = all. */
  limit?: number;
  onProgress?: EvaluateOptions['onProgress'];
}
import type { EncodedExample } from './data/encoded.ts';
import { crossValidate, type CvHooks, type CvOptions, type CvResult } from './cross-validate.ts';
import { learningCurve, type CurveHooks, type LearningCurveResult } from './learning-curve.ts';
import { defaultVariants, measureBrittleness, parseVariants, type BrittlenessResult, type BrittlenessSetup } from './brittleness.ts';
import { Trainer, trainSetupProblems, type StepReport, type TrainOutcome, type TrainerState, type EvalResult } from './trainer.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './train-config.ts';
import type { MethodOptions } from './methods/method.ts';
import { METHOD_CARDS } from './methods/cards/index.ts';
import { peftConfig } from './export/peft-config.ts';
import { buildAdapterFiles, readAdapter, zipAdapter } from './export/adapter.ts';
import { continueInPeftFiles, loadContinueInPeftSources } from './export/continue-in-peft.ts';
import { buildKvCacheFile, KV_CACHE_FILE } from './export/kv-cache.ts';
import { readCheckpointFile, writeCheckpoint, type CheckpointModel } from './export/checkpoint.ts';
import { writeSafetensors } from '../engine/io/safetensors.ts';
import { initMismatch, readInitFile, writeInitFile, type MetaInit } from './meta/init-file.ts';
import { compareStarts, toMetaTasks, trainStart, type MetaRunConfig, type MetaRunHooks, type StartComparison, type TaskSource } from './meta/meta-session.ts';
import type { CurvePoint } from './meta/adaptation-curve.ts';
import type { Params } from './nn/dense.ts';
import { hardPromptExtras, nearestTokens, projectToVocabulary, vocabularyOf, type Vocabulary } from './discrete/projection.ts';
import { discoverPez, type HardPromptResult, type PezOptions, type SearchHooks } from './discrete/pez.ts';
import { discoverAutoPrompt, type AutoPromptOptions } from './discrete/autoprompt.ts';
import { autoPromptStart, compareBaselines, instructionText, withTextBefore, type BaselineHooks, type BaselineRequest, type BaselineRow } from './discrete/baselines.ts';

export interface SessionHooks {
  onStatus?(message: string): void;
  onStep?(report: StepReport): void;
  onEval?(result: EvalResult): void;
}

export interface ExportFile {
  fileName: string;
  mime: string;
  bytes: Uint8Array;
}

export class TuningSession {
  lm: CausalLM | null = null;
  tokenizer: TextTokenizer | null = null;
  loaded: LoadedModel | null = null;
  modelName = '';
  dataset: PreparedDataset | null = null;
  trainer: Trainer | null = null;
  /** Kept every few steps: where a run resumes after a lost device. */
  checkpoint: TrainerState | null = null;
  /** Saved starts by name (meta-learned or multitask), for runs with `config.startFrom`. */
  readonly inits = new Map<string, MetaInit>();
  private metaStopRequested = false;
  private discreteStopRequested = false;
  private evalStopRequested = false;
  private baselineCache: { dataset: PreparedDataset; lm: CausalLM; limit: number; report: EvaluationReport } | null = null;
  private cvStopRequested = false;

  constructor(private readonly hooks: SessionHooks = {}) {}

  /** How the loaded model's matrices sit on the GPU (f32 on the CPU fallback). */
  weightStorage: WeightStorage = 'f32';

  /**
   * `gpu` null: the float64 CPU reference (the fallback without WebGPU; practical for the demo model only).
   * `weightStorage` 'auto': f16 for F16/BF16 checkpoints or when f32 would exceed the device's buffer limits
   * (model/memory.ts, chooseWeightStorage).
   */
  async loadModel(files: ModelFiles, gpu: GpuContext | null, capacity = { rows: 8, tokens: 256 }, weightStorage: WeightStorage | 'auto' = 'f32'): Promise<LoadedModel> {
    // On the GPU the weights stream: headers first, buffers allocated, then each tensor uploaded as it is read.
    const loaded = await loadModel(files, this.hooks.onStatus, { stream: Boolean(gpu) });
    this.hooks.onStatus?.('reading the tokenizer');
    const tokConfig = (await files.has('tokenizer_config.json')) ? await readJson(files, 'tokenizer_config.json') : {};
    const tokenizer = tokenizerFromJson(await readJson(files, 'tokenizer.json'), tokConfig);
    this.hooks.onStatus?.(gpu ? 'uploading the weights to the GPU' : 'preparing the CPU fallback');
    const cap = { ...capacity, tokens: Math.min(capacity.tokens, loaded.config.maxPositions) };
    const storage = !gpu
      ? 'f32'
      : weightStorage !== 'auto'
        ? weightStorage
        : // Streamed weights are checked for float16's range as they are uploaded (a sentence names the tensor).
          chooseWeightStorage(loaded.config, cap, gpu.device.limits, { half: loaded.halfPrecision, fitsHalf: loaded.streamWeights ? true : fitsHalf(loaded.weights) });
    const lm = gpu ? await GpuCausalLM.create(gpu, loaded.config, loaded.weights, cap, { weightStorage: storage }) : new ReferenceCausalLM(loaded.config, loaded.weights);
    if (loaded.streamWeights && lm instanceof GpuCausalLM) {
      try {
        // Only the token embeddings stay on the host (vocabulary init, nearest tokens), as the checkpoint's halves.
        await loaded.streamWeights((t) => lm.writeWeight(t), (t) => t === loaded.weights.embed);
        if (lm.pendingWeights > 0) throw new Error(`${files.label}: ${lm.pendingWeights} weight tensors were never read from the checkpoint`);
      } catch (e) {
        lm.dispose();
        throw e;
      }
    }
    this.weightStorage = storage;
    this.lm?.dispose();
    this.lm = lm;
    this.tokenizer = tokenizer;
    this.loaded = loaded;
    this.modelName = files.label;
    this.trainer = null;
    this.checkpoint = null;
    return loaded;
  }

  private need(): { lm: CausalLM; tok: TextTokenizer } {
    if (!this.lm || !this.tokenizer) throw new Error('load a model first');
    return { lm: this.lm, tok: this.tokenizer };
  }

  setDataset(req: DatasetRequest, virtualTokens: number): PreparedDataset {
    const { lm, tok } = this.need();
    const prepared = prepareDataset(req, tok, lm.config, virtualTokens, this.modelName);
    if (prepared.ok) this.dataset = prepared;
    return prepared;
  }

  private needData(): PreparedDataset {
    if (!this.dataset) throw new Error('set a dataset first');
    return this.dataset;
  }

  /**
   * The validation split (its first `limit` examples when set) scored with `extras`. Progress after each engine call;
   * stopEvaluation() ends it between calls (EvaluationStopped).
   */
  async evaluate(extras: ExtraInputs, options: SessionEvalOptions = {}): Promise<EvaluationReport> {
    const d = this.needData();
    if (d.validation.length === 0) throw new Error('there are no validation examples to evaluate on');
    const examples = options.limit ? d.validation.slice(0, options.limit) : d.validation;
    this.evalStopRequested = false;
    const report = await this.evaluateOn(examples, extras, { onProgress: options.onProgress, shouldStop: () => this.evalStopRequested });
    return { ...report, available: d.validation.length };
  }

  /**
   * The untuned model on the validation split, scored once per dataset, model and limit: it does not change when a
   * prompt is trained, so runs after the first reuse it.
   */
  async baseline(options: SessionEvalOptions = {}): Promise<EvaluationReport> {
    const key = { dataset: this.needData(), lm: this.need().lm, limit: options.limit ?? 0 };
    const hit = this.baselineCache;
    if (hit && hit.dataset === key.dataset && hit.lm === key.lm && hit.limit === key.limit) return hit.report;
    const report = await this.evaluate({}, options);
    this.baselineCache = { ...key, report };
    return report;
  }

  /** Ends a running evaluation at its next engine call. */
  stopEvaluation(): void {
    this.evalStopRequested = true;
  }

  /** Rank classification or greedy generation with the free-text metrics, on any encoded rows of this dataset. */
  async evaluateOn(examples: EncodedExample[], extras: ExtraInputs, options: EvaluateOptions = {}): Promise<EvaluationReport> {
    const { lm, tok } = this.need();
    const d = this.needData();
    return d.kind === 'classification'
      ? evaluateClassification(lm, examples, { names: d.labels.names, tokens: d.labels.tokens }, extras, options)
      : evaluateGeneration(lm, examples, extras, (ids) => tok.decode(ids), d.stopIds, options);
  }

  /** K-fold cross-validation over every row (both splits) with N seeds per fold (cross-validate.ts), beside the
   *  untuned model and, when `instruction` is given, that instruction typed before the template. Stops
   *  between steps on stopCrossValidation(), keeping the runs that finished. Leaves the session's trainer as it was. */
  async crossValidate(config: TrainConfig, options: CvOptions & { instruction?: string }, hooks: Omit<CvHooks, 'shouldStop'> = {}): Promise<CvResult> {
    const { lm, tok } = this.need();
    const d = this.needData();
    this.cvStopRequested = false;
    const rows = [...d.train, ...d.validation];
    const text = options.instruction?.trim() ? instructionText(options.instruction) : null;
    const handWritten = text ? (ex: EncodedExample[]) => withTextBefore(tok, d.template, ex, text, d.chatTemplate) : undefined;
    return crossValidate({ lm, kind: d.kind, rows, split: { train: d.train, validation: d.validation }, evaluate: (ex, extras) => this.evaluateOn(ex, extras), handWritten }, config, options, {
      ...hooks,
      shouldStop: () => this.cvStopRequested,
    });
  }

  /** Validation metrics after training on nested subsets of the training split (learning-curve.ts); stopped by
   *  stopCrossValidation() too, keeping the points that finished. */
  async learningCurve(config: TrainConfig, sizes: readonly number[], seeds: number, hooks: Omit<CurveHooks, 'shouldStop'> = {}): Promise<LearningCurveResult> {
    const { lm } = this.need();
    const d = this.needData();
    this.cvStopRequested = false;
    return learningCurve({ lm, kind: d.kind, train: d.train, validation: d.validation, evaluate: (ex, extras) => this.evaluateOn(ex, extras) }, config, sizes, seeds, {
      ...hooks,
      shouldStop: () => this.cvStopRequested,
    });
  }

  /** The untuned model, the hand-written instruction (when given) and the tuned prompt (when trained) scored on the
   *  validation split under template variants (brittleness.ts); `variants`: one template per line, '' = the
   *  defaults from the dataset's template. Stopped by stopCrossValidation() too. */
  async brittleness(request: { variants: string; instruction: string }, hooks: { onProgress?(message: string, fraction: number): void } = {}): Promise<BrittlenessResult> {
    const { tok } = this.need();
    const d = this.needData();
    if (d.validation.length === 0) throw new Error('brittleness is measured on the validation split, and it is empty');
    this.cvStopRequested = false;
    const variants = request.variants.trim() ? parseVariants(request.variants) : defaultVariants(d.template);
    const setups: BrittlenessSetup[] = [{ name: 'untuned', textBefore: '', extras: {} }];
    if (request.instruction.trim()) setups.push({ name: 'instruction', textBefore: instructionText(request.instruction), extras: {} });
    const tuned = this.tunedExtras();
    if (tuned) setups.push({ name: 'tuned', textBefore: '', extras: tuned });
    const render = (template: string, textBefore: string) => withTextBefore(tok, template, d.validation, textBefore, d.chatTemplate);
    return measureBrittleness({ render, evaluate: (ex, extras) => this.evaluateOn(ex, extras) }, variants, setups, { ...hooks, shouldStop: () => this.cvStopRequested });
  }

  /** Stops a cross-validation or a learning curve between steps. */
  stopCrossValidation(): void {
    this.cvStopRequested = true;
  }

  /** The tuned extra input, or none (the untuned baseline) when nothing is trained. */
  tunedExtras(): ExtraInputs | null {
    return this.trainer ? this.trainer.currentExtras().extras : null;
  }

  /** Why `config` cannot train on this model and engine (sentences); empty when it can. */
  trainProblems(config: TrainConfig): string[] {
    return trainSetupProblems(this.need().lm, config);
  }

  async train(config: TrainConfig, resume?: TrainerState): Promise<TrainOutcome> {
    const { lm } = this.need();
    const d = this.needData();
    // No validation rows (validation fraction 0): nothing to evaluate on, so the run only trains.
    const evaluate =
      d.validation.length === 0
        ? undefined
        : async (step: number) => {
            const report = await this.evaluate(trainer.currentExtras().extras, { limit: config.evalLimit });
            return { step, validationLoss: report.validationLoss, accuracy: report.accuracy, macroF1: report.macroF1 };
          };
    const start = !resume && config.startFrom ? { params: this.startParams(config) } : undefined;
    const trainer = new Trainer(lm, config, d.train, resume ? { params: resume.params, state: resume } : start);
    this.trainer = trainer;
    return trainer.run({
      onStep: (r) => {
        if (r.step % 10 === 0) this.checkpoint = trainer.snapshot();
        this.hooks.onStep?.(r);
      },
      evaluate,
      onEval: (e) => this.hooks.onEval?.(e),
    });
  }

  /** The playground: the template applied to `input` and tokenised as the rows are (special tokens, chat template),
   *  then the engine's KV-cache generation (greedy at temperature 0 or top-k 1; otherwise a draw from the top k,
   *  fixed by `seed`). */
  async generate(input: string, maxTokens: number, extras: ExtraInputs, sampling: SamplingOptions & { seed?: number } = {}): Promise<string> {
    const { lm, tok } = this.need();
    const d = this.needData();
    const prompt = encodePrompt(tok, renderTemplate(d.template, input), d.chatTemplate);
    const { tokens } = await lm.generate(prompt, extras, { ...sampling, maxNewTokens: maxTokens, stopIds: d.stopIds });
    return tok.decode(tokens).trim();
  }

  /** The tuned prompt's greedy reply to one input: the text both runtimes read, the ids this engine read and wrote. */
  async greedyReply(input: string, maxTokens: number): Promise<{ promptText: string; inputIds: number[]; ids: number[]; text: string }> {
    const { lm, tok } = this.need();
    const d = this.needData();
    const extras = this.tunedExtras();
    if (!extras) throw new Error('train a prompt first: there is nothing to compare yet');
    const promptText = renderTemplate(d.template, input);
    const inputIds = encodePrompt(tok, promptText, d.chatTemplate);
    const { tokens } = await lm.generate(inputIds, extras, { maxNewTokens: maxTokens, stopIds: d.stopIds });
    return { promptText, inputIds, ids: tokens, text: tok.decode(tokens) };
  }

  /** The embedding table prepared for projection and candidate search (discrete/projection.ts). */
  vocabulary(): Vocabulary {
    return vocabularyOf(this.need().lm.weights.embed, this.need().lm.config);
  }

  /** PEZ or AutoPrompt on the current training split: the discovered hard prompt, its text, its validation report. */
  async discoverHardPrompt(
    search: { method: 'pez'; options: PezOptions } | { method: 'autoprompt'; options: AutoPromptOptions },
    hooks: Omit<SearchHooks, 'shouldStop'> = {},
  ): Promise<{ result: HardPromptResult; text: string; report: EvaluationReport }> {
    const { lm, tok } = this.need();
    const d = this.needData();
    const vocab = this.vocabulary();
    this.discreteStopRequested = false;
    const searchHooks = { ...hooks, shouldStop: () => this.discreteStopRequested };
    const result = search.method === 'pez'
      ? await discoverPez(lm, vocab, d.train, search.options, searchHooks)
      : await discoverAutoPrompt(lm, vocab, d.train, { ...search.options, initIds: search.options.initIds ?? autoPromptStart(tok, vocab, search.options.triggerLength) }, searchHooks);
    return { result, text: tok.decode(result.ids), report: await this.evaluate(hardPromptExtras(result.ids, vocab)) };
  }

  /** Soft-prompt read-out: the trained soft prompt with each virtual token replaced by its nearest token, scored. */
  async projectedSoftPrompt(): Promise<{ ids: number[]; text: string; report: EvaluationReport }> {
    const { tok } = this.need();
    const extras = this.tunedExtras();
    if (!extras?.promptEmbeds) throw new Error('train a soft prompt (prompt tuning or P-tuning) first: a KV prefix has no tokens to project to');
    const vocab = this.vocabulary();
    const ids = projectToVocabulary(extras.promptEmbeds, vocab);
    return { ids, text: tok.decode(ids), report: await this.evaluate(hardPromptExtras(ids, vocab)) };
  }

  /** The comparison table (discrete/baselines.ts) on the current dataset's validation split. */
  async compareBaselines(request: BaselineRequest, hooks: Omit<BaselineHooks, 'shouldStop'> = {}): Promise<BaselineRow[]> {
    const { lm, tok } = this.need();
    const dataset = this.needData();
    this.discreteStopRequested = false;
    return compareBaselines({ lm, tok, dataset, vocab: this.vocabulary() }, request, { ...hooks, shouldStop: () => this.discreteStopRequested });
  }

  /** Stops a hard-prompt search or a comparison between steps (rows not reached say so). */
  stopDiscrete(): void {
    this.discreteStopRequested = true;
  }

  /** Nearest vocabulary tokens (cosine) of each virtual token; soft prompts and P-tuning only. The rule is
   *  discrete/projection.ts nearestTokens: special tokens are not candidates, as in the read-out and PEZ. */
  nearestTokens(topK: number): { virtualToken: number; tokens: { text: string; id: number; cosine: number }[] }[] {
    const { tok } = this.need();
    if (!this.trainer) throw new Error('train a prompt first');
    const extras = this.trainer.currentExtras().extras;
    if (!extras.promptEmbeds) throw new Error('nearest tokens exist for soft prompts (prompt tuning, P-tuning), not for a KV prefix');
    return nearestTokens(extras.promptEmbeds, this.vocabulary(), topK).map((matches, p) => ({
      virtualToken: p,
      tokens: matches.map((m) => ({ ...m, text: tok.tokenText(m.id) })),
    }));
  }

  async exportResult(kind: 'peft-zip' | 'safetensors' | 'summary' | 'checkpoint', summary: Record<string, unknown> = {}): Promise<ExportFile> {
    const { lm } = this.need();
    const trainer = this.trainer;
    if (!trainer) throw new Error('train a prompt first: there is nothing to export yet');
    const options = trainer.config.method;
    const table = trainer.method.exportTable(trainer.params, options, lm.config);
    const width = options.method === 'prefix' ? prefixRowWidth(lm.config) : lm.config.hidden;
    if (table.shape[1] !== width) throw new Error(`internal: exported table has width ${table.shape[1]}, expected ${width}`);
    const base = options.method;
    if (kind === 'peft-zip') {
      const config = peftConfig(lm.config, options, { baseModel: this.modelName });
      const files = buildAdapterFiles(table, config);
      // continue-in-peft/: train on in Python from this prompt, with the rows the studio built (needs the data).
      const d = this.dataset;
      const folder = d?.recipe
        ? continueInPeftFiles(
            { modelLabel: this.modelName, peftConfig: config, params: trainer.params, config: trainer.config, trainedSteps: trainer.step, data: d },
            await loadContinueInPeftSources(),
          )
        : {};
      return { fileName: `${base}-adapter.zip`, mime: 'application/zip', bytes: zipAdapter(files, d?.recipe, folder) };
    }
    if (kind === 'safetensors') return { fileName: `${base}-prompt_embeddings.safetensors`, mime: 'application/octet-stream', bytes: writeSafetensors({ prompt_embeddings: table }) };
    if (kind === 'checkpoint') return { fileName: `${base}-checkpoint.zip`, mime: 'application/zip', bytes: writeCheckpoint(trainer.snapshot(), this.checkpointModel()) };
    // `rows`: how each row was built (data/row-format.ts), so Python rebuilds the rows the prompt was trained on.
    const json = { model: this.modelName, method: options, config: trainer.config, rows: this.dataset?.recipe ?? null, steps: trainer.step, losses: trainer.losses, ...summary };
    return { fileName: `${base}-summary.json`, mime: 'application/json', bytes: new TextEncoder().encode(JSON.stringify(json, null, 2)) };
  }

  /** The trained prompt as a key/value cache (export/kv-cache.ts) for runtimes that take `past_key_values`. */
  async exportKvCache(): Promise<ExportFile> {
    const { lm } = this.need();
    const extras = this.tunedExtras();
    if (!this.trainer || !extras) throw new Error('train a prompt first: there is nothing to export yet');
    const bytes = buildKvCacheFile(await lm.promptCache(extras), lm.config, { modelLabel: this.modelName, method: this.trainer.config.method.method, rowFormat: this.dataset?.recipe ?? null });
    return { fileName: KV_CACHE_FILE, mime: 'application/octet-stream', bytes };
  }

  /** Restores a studio checkpoint as the current trainer, ready to evaluate, export, or continue. */
  importCheckpoint(bytes: Uint8Array): TrainerState {
    const { lm } = this.need();
    const d = this.needData();
    const { state } = readCheckpointFile(bytes, this.checkpointModel());
    this.trainer = new Trainer(lm, state.config, d.train, { params: state.params, state });
    return state;
  }

  /** Loads a PEFT adapter (the zip, or its two files) made for this model as the current prompt: evaluation, the
   *  playground and export use it, and training can continue from it (fresh optimiser state: PEFT keeps none).
   *  Prompt tuning and P-tuning adapters become a prompt table, prefix tuning a prefix (as PEFT stores them). */
  importAdapter(input: Uint8Array | Record<string, Uint8Array>): { method: MethodOptions; peftType: string } {
    const { lm } = this.need();
    const d = this.needData();
    const adapter = readAdapter(input, lm.config);
    const P = adapter.config.num_virtual_tokens;
    // The exported table is the parameter of an unprojected prefix or of a plain prompt (PEFT keeps no encoder).
    const method: MethodOptions =
      adapter.kind === 'prefix'
        ? { ...METHOD_CARDS.prefix.defaults, virtualTokens: P, projection: false }
        : { ...METHOD_CARDS.prompt.defaults, virtualTokens: P, init: 'random', initText: '' };
    const params: Params = { [adapter.kind === 'prefix' ? 'embedding.weight' : 'prompt_embeddings']: { shape: [...adapter.table.shape], data: Float32Array.from(adapter.table.data) } };
    const config: TrainConfig = { ...(this.trainer?.config ?? DEFAULT_TRAIN_CONFIG), method, startFrom: null };
    this.trainer = new Trainer(lm, config, d.train, { params });
    return { method, peftType: adapter.config.peft_type };
  }

  /** A copy of a saved start's parameters for this run's method, or an error that says what does not fit. */
  private startParams(config: TrainConfig): Params {
    const init = this.inits.get(config.startFrom ?? '');
    if (!init) throw new Error(`there is no saved initialisation named "${config.startFrom}": meta-train one or load its file`);
    const mismatch = initMismatch(init, config.method);
    if (mismatch) throw new Error(mismatch);
    return Object.fromEntries(Object.entries(init.params).map(([k, t]) => [k, { shape: [...t.shape], data: t.data.slice() }]));
  }

  /** Reads an initialisation file (made on this model) and keeps it under its name. */
  addInit(bytes: Uint8Array): MetaInit {
    this.need();
    const init = readInitFile(bytes, this.checkpointModel());
    this.inits.set(init.name, init);
    return init;
  }

  initFile(name: string): ExportFile {
    const init = this.inits.get(name);
    if (!init) throw new Error(`there is no saved initialisation named "${name}"`);
    return { fileName: `${name.replace(/[^\w.-]+/g, '-')}.init.safetensors`, mime: 'application/octet-stream', bytes: writeInitFile(init) };
  }

  /** Meta-trains (or multitask-trains) a start over `sources`; the current dataset, if any, is the held-out task. */
  async metaTrain(sources: readonly TaskSource[], config: MetaRunConfig, name: string, heldOut: string | null, hooks: Omit<MetaRunHooks, 'shouldStop'> = {}): Promise<MetaInit> {
    const { lm, tok } = this.need();
    this.metaStopRequested = false;
    const tasks = toMetaTasks(sources, tok, lm, config.method.virtualTokens, config.seed);
    const init = await trainStart(lm, this.checkpointModel(), tasks, config, name, heldOut, { ...hooks, shouldStop: () => this.metaStopRequested });
    this.inits.set(init.name, init);
    return init;
  }

  stopMeta(): void {
    this.metaStopRequested = true;
  }

  /** Accuracy after k steps on the current dataset from the named start and from the method's ordinary starts. */
  async compareStarts(name: string, config: TrainConfig, taskName: string, options: { steps?: readonly number[]; validationLimit?: number; onPoint?: (start: string, p: CurvePoint) => void } = {}): Promise<StartComparison> {
    const { lm, tok } = this.need();
    const d = this.needData();
    const params = this.startParams({ ...config, startFrom: name });
    const stepSizes = this.inits.get(name)?.stepSizes ?? null;
    return compareStarts(lm, tok, { ...d, name: taskName }, { name, params, stepSizes }, { ...config, startFrom: null }, options);
  }

  /** What a checkpoint records of the model, so it is never resumed on another one. */
  private checkpointModel(): CheckpointModel {
    const cfg = this.need().lm.config;
    return { name: this.modelName, family: cfg.family, hidden: cfg.hidden, layers: cfg.layers, kvHeads: cfg.kvHeads, headDim: cfg.headDim, vocabSize: cfg.vocabSize };
  }
}
