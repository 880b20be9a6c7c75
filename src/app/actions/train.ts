// Training requests. A run is recorded (runs list, IndexedDB) from its first step; the worker's train() resolves
// when the run ends, after which the tuned prompt is evaluated against the baseline automatically.
import * as Comlink from 'comlink';
import { studio } from '../connect.ts';
import { errorText } from '../errors.ts';
import { readCheckpoint, saveCheckpoint } from '../persist.ts';
import { trainConfigOf, type RunRecord } from '../project.ts';
import { patch, updateRun, useStudio } from '../store.ts';
import { validateTable } from './data.ts';
import { evaluate } from './results.ts';

function newRun(): RunRecord {
  const s = useStudio.getState();
  const config = trainConfigOf(s.project);
  const n = s.runs.length + 1;
  return {
    id: `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
    name: `#${n} ${config.method.method} · lr ${config.learningRate} · ${config.steps} steps`,
    createdAt: Date.now(),
    config,
    datasetId: s.project.datasetId,
    template: s.project.template,
    rows: s.project.rows.length,
    steps: [],
    evals: [],
    outcome: null,
    report: null,
    overlay: false,
  };
}

export async function startTraining(): Promise<void> {
  const s = useStudio.getState();
  if (s.model.state !== 'ready') {
    patch('train', { error: 'Load a model first (Model panel).' });
    return;
  }
  patch('train', { error: null, message: 'Checking the data…' });
  const summary = await validateTable();
  if (summary === null || !summary.ok) {
    patch('train', { message: '', error: 'The data has errors: fix them in the Data panel first.' });
    return;
  }
  const run = newRun();
  useStudio.setState((st) => ({ runs: [...st.runs, run] }));
  patch('train', { phase: 'training', message: 'Starting…', runId: run.id, last: null, lastEval: null, error: null });
  patch('results', { report: null, error: null, generation: null, nearest: null });
  try {
    const outcome = await studio.train(run.config);
    updateRun(run.id, { outcome });
    patch('train', { phase: outcome.phase, message: outcome.reason });
    if (outcome.phase === 'done' || outcome.phase === 'stopped') {
      await keepCheckpoint(run.id);
      await evaluate();
    }
  } catch (e) {
    const error = errorText(e);
    updateRun(run.id, { outcome: { phase: 'failed', steps: useStudio.getState().train.last?.step ?? 0, finalLoss: NaN, reason: error } });
    patch('train', { phase: 'failed', error });
  }
}

/** Keeps the run's trained parameters in IndexedDB so they can be loaded back after a reload. */
async function keepCheckpoint(runId: string): Promise<void> {
  try {
    const file = await studio.exportResult('checkpoint');
    await saveCheckpoint(runId, file.bytes);
    updateRun(runId, { hasCheckpoint: true });
  } catch (e) {
    // Not fatal: the run's curves and results are still kept; say why its prompt is not.
    patch('train', { message: `Trained, but its checkpoint could not be kept: ${errorText(e)}` });
  }
}

/** Loads a kept run's parameters back into the worker, so results, playground and export use that prompt. */
export async function loadRunCheckpoint(runId: string): Promise<void> {
  try {
    const bytes = await readCheckpoint(runId);
    if (!bytes) throw new Error('this run’s checkpoint is no longer stored');
    await studio.importCheckpoint(Comlink.transfer(bytes, [bytes.buffer]));
    patch('train', { runId, error: null, message: `Loaded the prompt of ${useStudio.getState().runs.find((r) => r.id === runId)?.name ?? runId}.` });
  } catch (e) {
    patch('train', { error: errorText(e) });
  }
}

async function control(what: 'pause' | 'resume' | 'stop'): Promise<void> {
  try {
    await studio[what]();
  } catch (e) {
    patch('train', { error: errorText(e) });
  }
}

export const pauseTraining = () => control('pause');
export const resumeTraining = () => control('resume');
export const stopTraining = () => control('stop');
