// The shape of `window.__studio`, the read-only test hook (see test-hook.ts). Self-contained (no imports) so
// the e2e project can import it as a type without type-checking the app.
export interface StudioTestState {
  deviceState: 'starting' | 'ready' | 'unavailable';
  modelLoaded: boolean;
  modelState: 'idle' | 'loading' | 'ready' | 'failed';
  datasetOk: boolean | null; // null until the worker has answered setDataset
  datasetErrors: { line: number; message: string }[];
  /** The latest summary's split counts and what it describes ('table', 'pasted text', a file name). */
  datasetCounts: { train: number; validation: number; source: string } | null;
  validating: boolean;
  /** Fields holding text they do not accept (Train is disabled while any is listed). */
  fieldProblems: string[];
  phase: 'idle' | 'training' | 'paused' | 'evaluating' | 'done' | 'stopped' | 'failed';
  step: number;
  chartPoints: number;
  lastEval: { step: number; validationLoss: number; accuracy: number; macroF1: number | null } | null;
  hasReport: boolean;
  /** The evaluation under way: examples done of total and which side; null when none runs. */
  evalProgress: { side: 'untuned' | 'tuned'; done: number; total: number } | null;
  /** Every progress report of the latest evaluation, in order (a test sees the count move however fast it ran). */
  evalProgressSeen: { side: 'untuned' | 'tuned'; done: number; total: number }[];
  runs: number;
  savePending: boolean; // true while project / runs changes wait to be written to IndexedDB
  /** Why the last save failed (storage full…), while the work lives in this tab only; null once a save succeeds. */
  saveProblem: string | null;
  /** The meta-learning panel: what runs, the last meta-step, the saved starts, the comparison's curves. */
  meta: {
    running: 'meta' | 'compare' | null;
    step: number;
    inits: string[];
    startFrom: string | null;
    curves: { start: string; points: { steps: number; accuracy: number }[] }[] | null;
    error: string | null;
  };
}

export interface StudioTestHook {
  /** A snapshot of the app state; each call reads it anew. */
  state(): StudioTestState;
}

declare global {
  interface Window {
    __studio?: StudioTestHook;
  }
}
