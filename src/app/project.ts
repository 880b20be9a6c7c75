// The project: everything the user set up (data table, template, split, method, hyper-parameters, model
// choice). It is what a reload restores (persist.ts) and, minus the data, what the URL hash shares (url-hash.ts).
import type { EvalMetrics, EvalReport, MethodOptions, RunOutcome, TrainConfig } from '../worker/protocol.ts';
import {
  DEFAULT_DATA_SEED,
  DEFAULT_HYPER,
  DEFAULT_TEMPLATE,
  DEFAULT_VALIDATION_FRACTION,
  METHOD_CARDS,
  METHOD_NAMES,
  type HyperParams,
  type MethodName,
} from './defaults.ts';

export interface DataRow {
  input: string;
  output: string;
  /** The file's split column ("train", "validation", or empty = decided by the seeded split), when it had one. */
  split?: string;
}

/** Options per method, so switching method and back keeps what the user typed. */
export type MethodOptionsByName = { [K in MethodName]: Extract<MethodOptions, { method: K }> };

export interface Setup {
  method: MethodName;
  methodOptions: MethodOptionsByName;
  hyper: HyperParams;
  template: string;
  datasetId: string | null; // a sample dataset's id, when the table came from one
  validationFraction: number;
  dataSeed: number;
}

/** The meta-learning panel's choices (kept with the project; not part of a shared link). */
export interface MetaSetup {
  tasks: string[]; // sample dataset ids to meta-train on
  algorithm: 'fomaml' | 'reptile' | 'metasgd' | 'multitask';
  steps: number;
  innerSteps: number;
  metaBatch: number;
  compareUpTo: number; // the comparison evaluates at 0, 5, 10, 20, 50 steps, up to this many
  /** The saved start new runs begin from; null = the method's own init. */
  startFrom: string | null;
}

export const DEFAULT_META: MetaSetup = { tasks: [], algorithm: 'fomaml', steps: 40, innerSteps: 5, metaBatch: 2, compareUpTo: 50, startFrom: null };

/** The readable-prompts panel's choices (kept with the project, so a typed instruction survives a reload). */
export interface PromptsSetup {
  instruction: string; // the hand-written baseline, typed before the template
  shots: number; // k in-context examples from the training split
  pezLength: number;
  pezSteps: number;
  triggerLength: number; // AutoPrompt
  autopromptIterations: number;
  candidates: number; // AutoPrompt: candidates re-scored per iteration
  trainSteps: number; // soft prompt and prefix rows
}

export const DEFAULT_PROMPTS: PromptsSetup = { instruction: '', shots: 4, pezLength: 8, pezSteps: 40, triggerLength: 6, autopromptIterations: 24, candidates: 8, trainSteps: 30 };

/** Cross-validation's choices (Results panel): K folds over every row, N seeds per fold. */
export interface CvSetup {
  folds: number; // 1 = the dataset's own split, repeated over the seeds
  seeds: number;
}

export const DEFAULT_CV: CvSetup = { folds: 3, seeds: 1 };

/** The learning curve's choices (Results panel): training-set sizes (comma-separated) and seeds per size. */
export interface CurveSetup {
  sizes: string;
  seeds: number;
}

export const DEFAULT_CURVE: CurveSetup = { sizes: '8,16,32,64', seeds: 1 };

export interface Project extends Setup {
  meta: MetaSetup;
  prompts: PromptsSetup;
  cv?: CvSetup;
  curve?: CurveSetup;
  /** Template variants for brittleness, one per line ('' = the defaults from the template). */
  variants?: string;
  rows: DataRow[];
  pasteText: string; // kept so a paste with errors is never lost
  hubId: string;
  hubRevision: string;
  /** The Hub's address ('' = https://huggingface.co); a mirror or a local Hub (tools/real-shapes/local-hub.ts). */
  hubEndpoint?: string;
  /** Rows through the tokenizer's chat template: 'auto' = on for instruct checkpoints that have one. */
  chatTemplate: boolean | 'auto';
}

export function defaultSetup(): Setup {
  return {
    method: 'prompt',
    methodOptions: Object.fromEntries(METHOD_NAMES.map((m) => [m, { ...METHOD_CARDS[m].defaults }])) as MethodOptionsByName,
    hyper: { ...DEFAULT_HYPER },
    template: DEFAULT_TEMPLATE,
    datasetId: null,
    validationFraction: DEFAULT_VALIDATION_FRACTION,
    dataSeed: DEFAULT_DATA_SEED,
  };
}

export function defaultProject(): Project {
  return { ...defaultSetup(), meta: { ...DEFAULT_META }, prompts: { ...DEFAULT_PROMPTS }, rows: [{ input: '', output: '' }], pasteText: '', hubId: '', hubRevision: 'main', chatTemplate: 'auto' };
}

export function trainConfigOf(p: Setup & { meta?: MetaSetup }): TrainConfig {
  return { ...p.hyper, method: p.methodOptions[p.method], startFrom: p.meta?.startFrom ?? null };
}

/** One point of a loss curve; validation points carry the eval metrics instead of the training loss. */
export interface StepPoint {
  step: number;
  loss: number;
}

/** A training run as kept in IndexedDB: enough to redraw its curves and show its results. */
export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  config: TrainConfig;
  datasetId: string | null;
  template: string;
  rows: number;
  steps: StepPoint[];
  evals: EvalMetrics[];
  outcome: RunOutcome | null;
  report: EvalReport | null;
  overlay: boolean; // drawn on the chart beside the current run
  hasCheckpoint?: boolean; // its trained parameters are kept in IndexedDB (persist.ts), to reload into the worker
}
