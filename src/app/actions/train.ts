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

/** Why Train cannot start now, as sentences (empty when it can): fields with text they do not accept, no model. */
export function trainBlockers(s = useStudio.getState()): string[] {
  const out: string[] = [];
  if (s.model.state !== 'ready') out.push('load a model first (Model panel)');
  out.push(...Object.values(s.fieldProblems));
  return out;
}

const isActive = (phase: string) => phase === 'training' || phase === 'paused' || phase === 'evaluating';

export async function startTraining(): Promise<void> {
  const s = useStudio.getState();
  // A second click while the first starts (a double-click) does nothing: one click, one run.
  if (s.train.starting || isActive(s.train.phase)) return;
  const blockers = trainBlockers(s);
  if (blockers.length > 0) {
    patch('train', { error: `Cannot train yet: ${blockers.join('; ')}.` });
    return;
  }
  patch('train', { starting: true, error: null, message: 'Checking the data…' });
  let run: RunRecord;
  try {
    const summary = await validateTable();
    if (summary === null || !summary.ok) {
      patch('train', { message: '', error: 'The data has errors: fix them in the Data panel first.' });
      return;
    }
    run = newRun();
    useStudio.setState((st) => ({ runs: [...st.runs, run] }));
    patch('train', { phase: 'training', message: 'Starting…', runId: run.id, last: null, lastEval: null, error: null });
    patch('results', { report: null, error: null, generation: null, nearest: null });
  } finally {
    patch('train', { starting: false });
  }
  try {
    const outcome = await studio.train(run.config);
    updateRun(run.id, { outcome });
    patch('train', { phase: outcome.phase, message: outcome.reason });
    if (outcome.phase === 'done' || outcome.phase === 'stopped') {
      await keepCheckpoint(run.id);
      if ((useStudio.getState().data.summary?.validation ?? 0) > 0) await evaluate();
      // The badge says how the run ended (a stopped run stays "stopped" after its evaluation).
      patch('train', { phase: outcome.phase });
    }
  } catch (e) {
    const error = errorText(e);
    const steps = useStudio.getState().train.last?.step ?? 0;
    if (steps === 0 && /^\[(bad-input|busy)\]/.test(error)) {
      // Refused before its first step: no run happened, so none is kept ("failed · 0 steps" would be untrue).
      useStudio.setState((st) => ({ runs: st.runs.filter((r) => r.id !== run.id) }));
      patch('train', { phase: 'idle', runId: null, message: '', error: error.replace(/^\[[a-z-]+\] /, '') });
      return;
    }
    updateRun(run.id, { outcome: { phase: 'failed', steps, finalLoss: NaN, reason: error } });
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
