// The studio's main UI state (zustand): a slice per panel of the Model → Data → Train → Use flow, the project (what
// a reload restores) and the kept runs. The deeper tools keep their own small stores beside it (cv-store.ts,
// meta-store.ts, prompts-store.ts, share-store.ts, transformers-js-store.ts) for live state — progress, results, a
// share link — that belongs to one view and is not part of the project. Fed from outside React: worker events
// arrive through connect.ts, user requests go through actions/*.ts. Components only read slices and call actions.
import { create } from 'zustand';
import type {
  DatasetChoice,
  DatasetSummary,
  DeviceStatus,
  EvalMetrics,
  EvalReport,
  ExportKind,
  ModelInfo,
  NearestTokens,
  RunPhase,
  StepMetrics,
} from '../worker/protocol.ts';
import { defaultProject, type Project, type RunRecord } from './project.ts';

export interface ModelSlice {
  state: 'idle' | 'loading' | 'ready' | 'failed';
  label: string; // what is being / was loaded, in words
  info: ModelInfo | null;
  message: string; // the worker's latest 'model-status' line
  downloads: Record<string, { loaded: number; total: number | null; fromCache?: boolean; origin?: string }>;
  error: string | null;
}

export interface DataSlice {
  summary: DatasetSummary | null;
  summarySource: string; // 'table', 'pasted text' or a file name: where the summary's line numbers point
  validating: boolean;
  importing: string | null; // what is being imported, for the progress line
  error: string | null; // a failed request (not a data error: those are in summary.errors)
  choices: DatasetChoice[] | null;
  choicesMessage: string | null;
}

export interface TrainSlice {
  phase: RunPhase;
  message: string;
  runId: string | null; // the run the live events belong to
  last: StepMetrics | null;
  lastEval: EvalMetrics | null;
  error: string | null;
  /** From the click on Train until the worker has the run (or refused it): a second click does nothing. */
  starting: boolean;
}

export interface ResultsSlice {
  report: EvalReport | null;
  evaluating: boolean;
  /** The evaluation under way: which side, examples done of total, seconds left (null until measurable). */
  progress: { side: 'untuned' | 'tuned'; done: number; total: number; secondsLeft: number | null } | null;
  error: string | null;
  generation: { input: string; base: string; tuned: string | null } | null;
  generating: boolean;
  nearest: NearestTokens[] | null;
  inspecting: boolean;
}

export interface ExportSlice {
  busy: ExportKind | 'import' | null;
  error: string | null;
  message: string | null;
}

export interface StudioState {
  device: DeviceStatus | { kind: 'starting' };
  model: ModelSlice;
  data: DataSlice;
  train: TrainSlice;
  results: ResultsSlice;
  exports: ExportSlice;
  project: Project;
  runs: RunRecord[];
  /** An error event the worker sent outside any request (shown under the status bar). */
  workerError: string | null;
  /** True while project or runs changes are waiting to be written to IndexedDB. */
  savePending: boolean;
  /** Fields whose text is not a value they accept, by test id: "steps: “-5” is not accepted; enter …". Train
   *  stays disabled while any is here. */
  fieldProblems: Record<string, string>;
  /** The text of fields that hold what they do not accept, by test id, as typed: saved with the project so a reload
   *  shows it again (still marked invalid) instead of the last accepted value. */
  fieldDrafts: Record<string, string>;
  /** Set while the browser refuses to save (persist.ts): what happened and that the work lives in this tab only. */
  saveProblem: string | null;
}

type Slices = 'model' | 'data' | 'train' | 'results' | 'exports';

export const useStudio = create<StudioState>()(() => ({
  device: { kind: 'starting' },
  model: { state: 'idle', label: '', info: null, message: '', downloads: {}, error: null },
  data: {
    summary: null,
    summarySource: 'table',
    validating: false,
    importing: null,
    error: null,
    choices: null,
    choicesMessage: null,
  },
  train: { phase: 'idle', message: '', runId: null, last: null, lastEval: null, error: null, starting: false },
  results: {
    report: null,
    evaluating: false,
    progress: null,
    error: null,
    generation: null,
    generating: false,
    nearest: null,
    inspecting: false,
  },
  exports: { busy: null, error: null, message: null },
  project: defaultProject(),
  runs: [],
  workerError: null,
  savePending: false,
  fieldProblems: {},
  fieldDrafts: {},
  saveProblem: null,
}));

/** Shallow-merge a patch into one panel's slice. */
export function patch<K extends Slices>(slice: K, value: Partial<StudioState[K]>): void {
  useStudio.setState((s) => ({ [slice]: { ...s[slice], ...value } }) as Pick<StudioState, K>);
}

export function setDevice(status: DeviceStatus): void {
  useStudio.setState({ device: status });
}

export function updateProject(value: Partial<Project> | ((p: Project) => Partial<Project>)): void {
  useStudio.setState((s) => ({ project: { ...s.project, ...(typeof value === 'function' ? value(s.project) : value) } }));
}

export function updateRun(id: string, value: Partial<RunRecord> | ((r: RunRecord) => Partial<RunRecord>)): void {
  useStudio.setState((s) => ({
    runs: s.runs.map((r) => (r.id === id ? { ...r, ...(typeof value === 'function' ? value(r) : value) } : r)),
  }));
}

/** Records (or clears, with null) a field's problem; see StudioState.fieldProblems. */
export function setFieldProblem(field: string, problem: string | null): void {
  const current = useStudio.getState().fieldProblems;
  if ((current[field] ?? null) === problem) return;
  const next = { ...current };
  if (problem === null) delete next[field];
  else next[field] = problem;
  useStudio.setState({ fieldProblems: next });
}

/** Keeps (or drops, with null) the text a field holds that it does not accept; see StudioState.fieldDrafts. */
export function setFieldDraft(field: string, text: string | null): void {
  const current = useStudio.getState().fieldDrafts;
  if ((current[field] ?? null) === text) return;
  const next = { ...current };
  if (text === null) delete next[field];
  else next[field] = text;
  useStudio.setState({ fieldDrafts: next });
}
