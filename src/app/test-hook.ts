// window.__studio: a read-only view of the app state for e2e tests, so they wait on state (a step reached, a
// model loaded) instead of sleeping. Type in test-hook-types.ts.
import type { StudioTestHook, StudioTestState } from './test-hook-types.ts';
import { useStudio } from './store.ts';
import { useMeta } from './meta-store.ts';

// The progress reports of the latest evaluation: kept here, for tests only, as the store keeps only the latest.
const progressSeen: StudioTestState['evalProgressSeen'] = [];
useStudio.subscribe((s, prev) => {
  const p = s.results.progress;
  if (!p || p === prev.results.progress) return;
  if (!prev.results.evaluating || (prev.results.progress === null && p.done === 0)) progressSeen.length = 0;
  progressSeen.push({ side: p.side, done: p.done, total: p.total });
});

function snapshot(): StudioTestState {
  const s = useStudio.getState();
  const run = s.runs.find((r) => r.id === s.train.runId);
  return {
    deviceState: s.device.kind,
    modelLoaded: s.model.state === 'ready',
    modelState: s.model.state,
    datasetOk: s.data.summary?.ok ?? null,
    datasetErrors: s.data.summary?.errors.map((e) => ({ ...e })) ?? [],
    datasetCounts: s.data.summary ? { train: s.data.summary.train, validation: s.data.summary.validation, source: s.data.summarySource } : null,
    validating: s.data.validating,
    fieldProblems: Object.values(s.fieldProblems),
    phase: s.train.phase,
    step: s.train.last?.step ?? 0,
    chartPoints: run ? run.steps.length + run.evals.length : 0,
    lastEval: s.train.lastEval ? { ...s.train.lastEval } : null,
    hasReport: s.results.report !== null,
    evalProgressSeen: progressSeen.map((p) => ({ ...p })),
    evalProgress: s.results.evaluating && s.results.progress ? { side: s.results.progress.side, done: s.results.progress.done, total: s.results.progress.total } : null,
    runs: s.runs.length,
    savePending: s.savePending,
    saveProblem: s.saveProblem,
    meta: metaSnapshot(s.project.meta.startFrom),
  };
}

function metaSnapshot(startFrom: string | null): StudioTestState['meta'] {
  const m = useMeta.getState();
  return {
    running: m.running,
    step: m.progress.at(-1)?.step ?? 0,
    inits: m.inits.map((i) => i.name),
    startFrom,
    curves: m.comparison ? m.comparison.curves.map((c) => ({ start: c.start, points: c.points.map((p) => ({ steps: p.steps, accuracy: p.accuracy })) })) : null,
    error: m.error,
  };
}

export function installTestHook(): void {
  const hook: StudioTestHook = { state: snapshot };
  Object.defineProperty(window, '__studio', { value: Object.freeze(hook), configurable: true });
}
