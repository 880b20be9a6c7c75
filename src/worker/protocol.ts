// The one contract between the UI thread and the studio worker. Requests are Comlink method calls (each gets
// exactly one reply: a value, or a thrown error whose message starts with `[code]`); everything that streams —
// download progress, step metrics, evaluation results — arrives as a StudioEvent through the listener the UI
// registers. Big arrays travel as transfers. The UI imports only types from here and the client.
import type { AdapterSummary } from '../engine/gpu/device.ts';
import type { MethodOptions } from '../tuning/methods/method.ts';
import type { TrainConfig } from '../tuning/train-config.ts';
import type { MetaChoice, TaskSource } from '../tuning/meta/meta-session.ts';
import type { BaselineRequest, BaselineRow, BaselineRowId } from '../tuning/discrete/baselines.ts';
import type { TextScores } from '../tuning/metrics/generation.ts';
import type { CvResult, CvRun, MetricSummary } from '../tuning/cross-validate.ts';
import type { CurveRun, LearningCurveResult } from '../tuning/learning-curve.ts';
import type { BrittlenessResult, BrittlenessRow, TemplateVariant } from '../tuning/brittleness.ts';
import type { TableRow } from './table-csv.ts';
import type { TableDelta } from './table-delta.ts';

export type { AdapterSummary, MethodOptions, TrainConfig, MetaChoice, TaskSource };
export type { BaselineRequest, BaselineRow, BaselineRowId };
export type { TextScores, CvResult, CvRun, MetricSummary, CurveRun, LearningCurveResult };
export type { BrittlenessResult, BrittlenessRow, TemplateVariant };

/** The kind of failure, written as `[code]` before the sentence (errors.ts) so a report says which kind it was;
 *  the UI shows it and routes an error by what was running (connect.ts), not by its code. `message` is the human
 *  sentence that says what to do. (A run that diverges is not an error: its outcome says so, RunOutcome.reason.) */
export type StudioErrorCode =
  | 'no-webgpu'
  | 'device-lost'
  | 'bad-input'
  | 'model-load'
  | 'too-large'
  | 'busy'
  | 'stopped' // the user stopped it (an evaluation, between engine calls)
  | 'internal';

export interface StudioErrorInfo {
  code: StudioErrorCode;
  message: string;
}

export type DeviceStatus =
  | { kind: 'ready'; adapter: AdapterSummary }
  | { kind: 'unavailable'; error: StudioErrorInfo };

// ── model ────────────────────────────────────────────────────────────────────────────────────────────────
export type ModelSource =
  | { kind: 'bundled'; id: string } // served by the app under models/<id>/
  | { kind: 'hub'; id: string; revision: string; endpoint?: string } // {endpoint}/{id}/resolve/{revision}/{file}; endpoint https://huggingface.co unless set
  | { kind: 'files'; files: File[] }; // a local folder the user picked

export interface ModelInfo {
  name: string;
  family: string;
  parameters: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocabSize: number;
  maxPositions: number;
  backend: 'webgpu' | 'cpu';
  /** Estimated GPU memory for weights + activations at the default batch, bytes. */
  memoryBytes: number;
  /** The most virtual tokens this model and engine take (the method field's limit). */
  maxVirtualTokens: number;
  /** The matrices sit on the GPU as halves (f16 weight storage, f32 arithmetic): F16/BF16 checkpoints, or f32 too big. */
  f16Weights: boolean;
  /** Every weight file came from the browser's cache (nothing downloaded). */
  fromCache: boolean;
  /** Where the weights came from: the app's bundle, the Hub (its endpoint), a picked folder, or the browser's cache. */
  origin: 'bundled' | 'hub' | 'cache' | 'folder' | 'disk' | null;
}

/** A Hub checkpoint known to load (engine/io/known-checkpoints.ts), sized against this device. */
export interface CheckpointChoice {
  id: string;
  note: string;
  parameters: number;
  downloadBytes: number;
  /** GPU memory for weights (as halves) and activations at the studio's default batch. */
  memoryBytes: number;
  /** Fits this device's buffer limits; otherwise `limit` names the limit it exceeds. */
  fits: boolean;
  limit: string | null;
}

// ── data ─────────────────────────────────────────────────────────────────────────────────────────────────
/** A check of the table the worker keeps (setTable): a DatasetSpec without the text. */
export type TableCheckSpec = Omit<DatasetSpec, 'text' | 'fileName'>;

export interface DatasetSpec {
  text: string; // the file's contents or the pasted table
  fileName: string; // decides the format by extension (.csv .tsv .jsonl); 'pasted.csv' for pasted text
  template: string; // with {input}
  validationFraction: number; // used when the data has no split column
  seed: number;
  /** Rows through the tokenizer's chat template: on, off, or 'auto' (on for an instruct checkpoint that has one). */
  chatTemplate?: boolean | 'auto';
  /** The method's virtual tokens: rows too long for the model are counted with these (default 32). */
  virtualTokens?: number;
}

/** Tokens as the preview shows them: special tokens (`<bos>`, `<|im_start|>`) one by one and marked. */
export interface TokenPiece {
  text: string;
  special: boolean;
}

export interface LineError {
  line: number; // 1-based
  message: string;
}

export interface DatasetSummary {
  ok: boolean;
  errors: LineError[];
  /** Not blocking, worth a look (line 0 = the whole data): JSONL numbers read as text, labels differing only in
   *  case, a single label. */
  warnings: LineError[];
  /** Label spellings that differ only in case and the spelling the Data panel offers to merge them into. */
  merges: { variants: string[]; into: string }[];
  kind: 'classification' | 'generation';
  labels: { label: string; count: number }[];
  train: number;
  validation: number;
  /** Rows longer than the model's context (after the template and the virtual tokens). */
  tooLong: { row: number; tokens: number; limit: number }[];
  /** The first training example as the model will see it: special tokens written out and counted. */
  preview: { text: string; target: string; tokens: number; prompt: TokenPiece[]; answer: TokenPiece[] };
  /** How rows are built for this model: chat template used / available, BOS added, the special-token rule. */
  rows: { chatTemplate: boolean; chatAvailable: boolean; bos: boolean; rule: string } | null;
}

export interface DatasetChoice {
  id: string;
  title: string;
  file: string; // URL relative to the app
  template: string;
  kind: 'classification' | 'generation';
}

// ── training ─────────────────────────────────────────────────────────────────────────────────────────────

export interface StepMetrics {
  step: number;
  loss: number;
  learningRate: number;
  stepsPerSecond: number;
  tokensPerSecond: number;
  secondsLeft: number;
}

export interface EvalMetrics {
  step: number;
  validationLoss: number;
  accuracy: number; // classification: rank-classification accuracy; generation: exact match
  macroF1: number | null; // classification only
}

export interface EvalReport {
  kind: 'classification' | 'generation';
  labels: string[];
  baseline: EvalSide;
  tuned: EvalSide | null;
}

export interface EvalSide {
  accuracy: number; // classification: accuracy; free text: exact match
  macroF1: number | null;
  confusion: number[][] | null; // [true][predicted], label order as `labels`
  /** Free text: exact match, token F1, ROUGE-L (0–1) and chrF (0–100) over the validation split. */
  text: TextScores | null;
  examples: EvalExample[];
  /** Examples scored, of the validation split's (fewer under an evaluation limit). */
  evaluated: number;
  available: number;
}

export interface EvalExample {
  input: string;
  expected: string;
  predicted: string;
  correct: boolean;
  /** Classification: log-likelihood of the chosen label minus the runner-up's. */
  margin: number | null;
  /** Free text: this example's exact match, token F1, ROUGE-L and sentence chrF. */
  scores: TextScores | null;
}

// ── cross-validation ─────────────────────────────────────────────────────────────────────────────────────
export interface CrossValidationRequest {
  config: TrainConfig; // each fold and seed trains from scratch with it (seed + s)
  folds: number;
  seeds: number;
  /** A hand-written instruction scored on the same folds (before the template); '' or absent = none. */
  instruction?: string;
}

/** Brittleness: the untuned model, a hand-written instruction and the tuned prompt under template variants. */
export interface BrittlenessRequest {
  variants: string; // one template per line (\n for a line break); '' = the defaults from the dataset's template
  instruction: string; // '' = no instruction row
}

/** A learning curve: prompts trained from scratch on nested subsets of the training split (sizes), N seeds each. */
export interface LearningCurveRequest {
  config: TrainConfig;
  sizes: number[];
  seeds: number;
}

export type RunPhase = 'idle' | 'training' | 'paused' | 'evaluating' | 'done' | 'stopped' | 'failed';

export interface RunOutcome {
  phase: RunPhase;
  steps: number;
  finalLoss: number;
  reason: string; // why it ended: "finished 200 steps", "early stop: no improvement in 3 evaluations", "diverged…"
}

export interface NearestTokens {
  virtualToken: number;
  tokens: { text: string; id: number; cosine: number }[];
}

/** kv-cache: the prompt as past_key_values (kv-cache.safetensors); transformers-js: the snippet that uses it. */
export type ExportKind = 'peft-zip' | 'safetensors' | 'summary' | 'checkpoint' | 'kv-cache' | 'transformers-js';

export interface ExportedFile {
  fileName: string;
  mime: string;
  bytes: Uint8Array;
}

/** Bytes of onnxruntime-web's wasm, fetched on the first Try it in transformers.js (the UI says so before); a unit
 *  test keeps it equal to the installed file. */
export const ORT_WASM_BYTES = 26_861_777;

/** One input's greedy reply from both runtimes: equal ids mean the exported cache reproduces the prompt. */
export interface TransformersJsComparison {
  promptText: string; // the rendered template both runtimes read
  inputIds: number[]; // as this engine tokenised it
  engine: { ids: number[]; text: string };
  transformersJs: { ids: number[]; text: string; inputIds: number[]; device: 'webgpu' | 'wasm'; fallback: string | null };
  same: boolean; // same input ids and same reply ids
}

// ── meta-learning ────────────────────────────────────────────────────────────────────────────────────────

export interface MetaTrainRequest {
  name: string; // the saved start's name ("init: meta-learned <name>")
  tasks: TaskSource[]; // dataset texts with their templates; the current dataset is the held-out task
  heldOut: string | null;
  choice: MetaChoice;
}

/** A saved start as the UI lists it. */
export interface InitSummary {
  name: string;
  method: MethodOptions;
  algorithm: 'fomaml' | 'reptile' | 'multitask';
  metaSgd: boolean;
  tasks: string[];
  heldOut: string | null;
  outerSteps: number;
  queryLosses: number[];
}

export interface StartCurves {
  task: string;
  curves: { start: string; points: { steps: number; accuracy: number; validationLoss: number }[]; seconds: number }[];
  verdict: string | null; // the sentence: accuracy after 10 steps and how long the other starts need
  speedup: number | null;
}

// ── readable prompts ─────────────────────────────────────────────────────────────────────────────────────

/** A trained soft prompt projected to its nearest tokens, scored like every other prompt. */
export interface SoftReadOut {
  text: string;
  tokenIds: number[];
  accuracy: number;
  tunedAccuracy: number; // the soft prompt itself, for the gap
}

// ── events ───────────────────────────────────────────────────────────────────────────────────────────────
export type StudioEvent =
  | { type: 'device'; status: DeviceStatus }
  | { type: 'download'; file: string; loaded: number; total: number | null; fromCache?: boolean; origin?: string; note?: string }
  | { type: 'model-status'; message: string }
  | { type: 'steps'; metrics: StepMetrics[] } // batched: at most a few per second
  | { type: 'eval'; metrics: EvalMetrics }
  | { type: 'phase'; phase: RunPhase; message: string }
  | { type: 'error'; error: StudioErrorInfo }
  | { type: 'meta-step'; step: number; total: number; loss: number; tasks: string[] } // loss: the meta-objective
  | { type: 'curve-point'; start: string; steps: number; accuracy: number }
  | { type: 'baseline-progress'; row: BaselineRowId; message: string; fraction: number }
  | { type: 'baseline-row'; row: BaselineRow }
  | { type: 'cv-progress'; message: string; fraction: number }
  | { type: 'br-progress'; message: string; fraction: number }
  | { type: 'lc-progress'; message: string; fraction: number }
  | { type: 'lc-run'; run: CurveRun; done: number; total: number }
  | { type: 'cv-run'; run: CvRun; done: number; total: number }
  // Evaluation of the untuned model or the tuned prompt: examples done of total, seconds left (null until measurable).
  | { type: 'eval-progress'; side: 'untuned' | 'tuned'; done: number; total: number; secondsLeft: number | null }
  | { type: 'tjs-progress'; message: string }; // Try it in transformers.js: loading, generating

export type StudioEventListener = (event: StudioEvent) => void;

/** What the worker exposes (wrapped by Comlink on the UI side). */
export interface StudioWorkerApi {
  /** Registers the UI's event listener (a Comlink proxy) and the page URL that bundled files are relative to. */
  subscribe(listener: StudioEventListener, pageUrl?: string): void;
  initDevice(): Promise<DeviceStatus>;
  loadModel(source: ModelSource, options?: { cpuFallback?: boolean }): Promise<ModelInfo>;
  /** The known-good Hub checkpoints with size, memory need and whether they fit this device. */
  knownCheckpoints(): Promise<CheckpointChoice[]>;
  clearModelCache(): Promise<void>;
  setDataset(spec: DatasetSpec): Promise<DatasetSummary>;
  /** Checks a file or pasted text like setDataset and, when it has no errors, answers its rows for the table: the
   *  page never parses a large file itself. */
  importDataset(spec: DatasetSpec): Promise<{ summary: DatasetSummary; rows: TableRow[] | null }>;
  /** The table's rows, kept by the worker, so a template or split change checks them without sending them again:
   *  all of them, or the rows an edit changed (the table keeps its length). */
  setTable(rows: TableRow[]): Promise<void>;
  patchTable(delta: TableDelta): Promise<void>;
  /** setDataset on the kept table (written as CSV: line numbers map back through tableLineToRow). */
  checkTable(spec: TableCheckSpec): Promise<DatasetSummary>;
  train(config: TrainConfig): Promise<RunOutcome>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** The untuned model (scored once per dataset, model and limit) and the tuned prompt; `limit`: the first N
   *  validation examples only, 0 = all. Progress arrives as eval-progress events; stop() ends it. */
  evaluate(limit?: number): Promise<EvalReport>;
  /** temperature 0 or top-k 1 = greedy; otherwise a draw from the top k (0 = whole vocabulary), fixed by `seed`. */
  generate(input: string, options: { maxTokens: number; temperature: number; topK: number; seed?: number }): Promise<{ base: string; tuned: string | null }>;
  inspect(topK: number): Promise<NearestTokens[]>;
  exportResult(kind: ExportKind): Promise<ExportedFile>;
  /** The tuned prompt's greedy reply to `input` from this engine and from transformers.js on onnxruntime-web given
   *  the exported key/value cache (progress as 'tjs-progress' events). */
  tryInTransformersJs(input: string, maxTokens: number): Promise<TransformersJsComparison>;
  importCheckpoint(bytes: Uint8Array): Promise<{ steps: number; method: MethodOptions }>;
  /** A PEFT adapter made for the loaded model (its zip, or adapter_config.json + adapter_model.safetensors by
   *  name) becomes the current prompt. */
  importAdapter(files: Uint8Array | Record<string, Uint8Array>): Promise<{ method: MethodOptions; peftType: string }>;
  /** Meta-trains (or multitask-trains) a start over other tasks; progress as 'meta-step' events. */
  metaTrain(request: MetaTrainRequest): Promise<InitSummary>;
  stopMeta(): Promise<void>;
  /** Accuracy after k steps on the current dataset from the named start and from the ordinary ones ('curve-point' events). */
  compareStarts(name: string, config: TrainConfig, taskName: string, steps?: number[]): Promise<StartCurves>;
  /** Reads an initialisation file (made on the loaded model) and keeps it by name. */
  addInit(bytes: Uint8Array): Promise<InitSummary>;
  exportInit(name: string): Promise<ExportedFile>;
  /** The comparison table: template, instruction, k-shot, PEZ, AutoPrompt, soft prompt (and its projection), prefix,
   *  on the validation split ('baseline-progress' and 'baseline-row' events while it runs). */
  compareBaselines(request: BaselineRequest): Promise<BaselineRow[]>;
  /** Stops the comparison between steps; rows not reached come back without a number. */
  stopBaselines(): Promise<void>;
  /** K-fold cross-validation × seeds over every row ('cv-progress' and 'cv-run' events); a stop keeps finished runs. */
  crossValidate(request: CrossValidationRequest): Promise<CvResult>;
  /** Stops a cross-validation or a learning curve between steps. */
  stopCrossValidation(): Promise<void>;
  /** Scores under template variants ('br-progress' events); stopCrossValidation() stops it, keeping what finished. */
  brittleness(request: BrittlenessRequest): Promise<BrittlenessResult>;
  /** A learning curve on the validation split ('lc-progress' and 'lc-run' events); stopCrossValidation() stops it. */
  learningCurve(request: LearningCurveRequest): Promise<LearningCurveResult>;
  /** The current soft prompt's nearest tokens as a hard prompt, with its validation accuracy. */
  readOutSoftPrompt(): Promise<SoftReadOut>;
}
