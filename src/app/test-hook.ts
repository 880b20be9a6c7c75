// window.__studio: a read-only view of the app state for e2e tests, so they wait on state (a step reached, a
// model loaded) instead of sleeping. Type in test-hook-types.ts.
import type { StudioTestHook, StudioTestState } from './test-hook-types.ts';
import { useStudio } from './store.ts';

function snapshot(): StudioTestState {
  const s = useStudio.getState();
  const run = s.runs.find((r) => r.id === s.train.runId);
  return {
    deviceState: s.device.kind,
    modelLoaded: s.model.state === 'ready',
    modelState: s.model.state,
    datasetOk: s.data.summary?.ok ?? null,
    datasetErrors: s.data.summary?.errors.map((e) => ({ ...e })) ?? [],
    phase: s.train.phase,
    step: s.train.last?.step ?? 0,
    chartPoints: run ? run.steps.length + run.evals.length : 0,
    lastEval: s.train.lastEval ? { ...s.train.lastEval } : null,
    hasReport: s.results.report !== null,
    runs: s.runs.length,
    savePending: s.savePending,
  };
}

export function installTestHook(): void {
  const hook: StudioTestHook = { state: snapshot };
  Object.defineProperty(window, '__studio', { value: Object.freeze(hook), configurable: true });
}
