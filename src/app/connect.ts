// Wires the worker's event stream into the store, once, outside React. Step, eval and download events are
// batched per animation frame (frame-batch.ts); the rest update the store directly.
import { startStudioWorker, type StudioClient } from '../worker/client.ts';
import type { EvalMetrics, StepMetrics, StudioEvent } from '../worker/protocol.ts';
import { frameBatcher } from './frame-batch.ts';
import { patch, setDevice, updateRun, useStudio } from './store.ts';
import { patchMeta, useMeta } from './meta-store.ts';
import { patchPrompts, usePrompts } from './prompts-store.ts';
import { patchBrittle, patchCurve, patchCv, useCurve, useCv } from './cv-store.ts';
import { patchTransformersJs } from './transformers-js-store.ts';

type Metric = { kind: 'step'; m: StepMetrics } | { kind: 'eval'; m: EvalMetrics };

const pushMetric = frameBatcher<Metric>((items) => {
  const steps = items.flatMap((i) => (i.kind === 'step' ? [i.m] : []));
  const evals = items.flatMap((i) => (i.kind === 'eval' ? [i.m] : []));
  const { train } = useStudio.getState();
  patch('train', {
    last: steps.length > 0 ? steps[steps.length - 1] : train.last,
    lastEval: evals.length > 0 ? evals[evals.length - 1] : train.lastEval,
  });
  if (train.runId === null) return;
  updateRun(train.runId, (r) => ({
    steps: steps.length > 0 ? [...r.steps, ...steps.map((m) => ({ step: m.step, loss: m.loss }))] : r.steps,
    evals: evals.length > 0 ? [...r.evals, ...evals] : r.evals,
  }));
});

const pushDownload = frameBatcher<{ file: string; loaded: number; total: number | null; fromCache?: boolean; origin?: string }>((items) => {
  const downloads = { ...useStudio.getState().model.downloads };
  for (const d of items) downloads[d.file] = { loaded: d.loaded, total: d.total, fromCache: d.fromCache, origin: d.origin };
  patch('model', { downloads });
});

function onEvent(event: StudioEvent): void {
  switch (event.type) {
    case 'device':
      setDevice(event.status);
      break;
    case 'download':
      pushDownload(event);
      break;
    case 'model-status':
      patch('model', { message: event.message });
      break;
    case 'steps':
      for (const m of event.metrics) pushMetric({ kind: 'step', m });
      break;
    case 'eval':
      pushMetric({ kind: 'eval', m: event.metrics });
      break;
    case 'phase':
      patch('train', { phase: event.phase, message: event.message });
      break;
    case 'error':
      routeError(event.error.code, event.error.message);
      break;
    case 'meta-step':
      patchMeta({ progress: [...useMeta.getState().progress, { step: event.step, total: event.total, loss: event.loss, tasks: event.tasks }] });
      break;
    case 'curve-point':
      patchMeta({ livePoints: [...useMeta.getState().livePoints, { start: event.start, steps: event.steps, accuracy: event.accuracy }] });
      break;
    case 'baseline-progress':
      patchPrompts({ progress: { row: event.row, message: event.message, fraction: event.fraction } });
      break;
    case 'baseline-row':
      patchPrompts({ rows: [...usePrompts.getState().rows.filter((r) => r.id !== event.row.id), event.row] });
      break;
    case 'cv-progress':
      patchCv({ progress: { message: event.message, fraction: event.fraction } });
      break;
    case 'eval-progress':
      patch('results', { progress: { side: event.side, done: event.done, total: event.total, secondsLeft: event.secondsLeft } });
      break;
    case 'cv-run':
      patchCv({ runs: [...useCv.getState().runs, event.run], total: event.total });
      break;
    case 'br-progress':
      patchBrittle({ progress: { message: event.message, fraction: event.fraction } });
      break;
    case 'lc-progress':
      patchCurve({ progress: { message: event.message, fraction: event.fraction } });
      break;
    case 'lc-run':
      patchCurve({ runs: [...useCurve.getState().runs, event.run], total: event.total });
      break;
    case 'tjs-progress':
      patchTransformersJs({ progress: event.message });
      break;
  }
}

/** An error event belongs to whatever was running: the run, the model load, or (otherwise) the whole page. */
function routeError(code: string, message: string): void {
  const s = useStudio.getState();
  const text = `[${code}] ${message}`;
  if (s.train.phase === 'training' || s.train.phase === 'paused' || s.train.phase === 'evaluating') {
    patch('train', { error: text });
  } else if (s.model.state === 'loading') {
    patch('model', { error: text });
  } else {
    useStudio.setState({ workerError: text });
  }
}

export const studio: StudioClient = startStudioWorker(onEvent);
