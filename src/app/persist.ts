// Keeps the project and the runs in IndexedDB (idb-keyval), so a reload restores the studio exactly: written
// 400 ms after the last change (a run's curves change every frame while training), read once at start.
import { del, get, keys, set } from 'idb-keyval';
import { DEFAULT_CURVE, DEFAULT_CV, defaultProject, type Project, type RunRecord } from './project.ts';
import { useStudio } from './store.ts';

const PROJECT_KEY = 'soft-prompt-studio/project/v1';
const RUNS_KEY = 'soft-prompt-studio/runs/v1';
const DEBOUNCE_MS = 400;
// While a run streams metrics, its growing curves are saved less often: each save clones every run.
const DEBOUNCE_TRAINING_MS = 3000;

/** A stored project merged over the defaults, field by field, so an older save still loads. */
function mergeProject(stored: Partial<Project> | undefined): Project {
  const base = defaultProject();
  if (!stored || typeof stored !== 'object') return base;
  return {
    ...base,
    ...stored,
    methodOptions: {
      prompt: { ...base.methodOptions.prompt, ...stored.methodOptions?.prompt },
      prefix: { ...base.methodOptions.prefix, ...stored.methodOptions?.prefix },
      ptuning: { ...base.methodOptions.ptuning, ...stored.methodOptions?.ptuning },
    },
    hyper: { ...base.hyper, ...stored.hyper },
    meta: { ...base.meta, ...stored.meta },
    prompts: { ...base.prompts, ...stored.prompts },
    cv: { ...DEFAULT_CV, ...stored.cv },
    curve: { ...DEFAULT_CURVE, ...stored.curve },
    rows: Array.isArray(stored.rows) && stored.rows.length > 0 ? stored.rows : base.rows,
  };
}

export async function restoreProject(): Promise<{ project: Project; runs: RunRecord[] }> {
  try {
    const [project, runs] = await Promise.all([get<Partial<Project>>(PROJECT_KEY), get<RunRecord[]>(RUNS_KEY)]);
    return { project: mergeProject(project), runs: Array.isArray(runs) ? runs : [] };
  } catch (e) {
    // Private windows may refuse IndexedDB: start fresh rather than not at all.
    console.warn('Could not read the saved project:', e);
    return { project: defaultProject(), runs: [] };
  }
}

/** Starts writing project and runs after each change; returns a function that stops it. */
export function startPersisting(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waiting = false; // a write is scheduled but not started
  const save = async () => {
    waiting = false;
    const { project, runs } = useStudio.getState();
    try {
      await Promise.all([set(PROJECT_KEY, project), set(RUNS_KEY, runs)]);
    } catch (e) {
      useStudio.setState({ workerError: `Could not save the project in this browser: ${(e as Error).message}` });
    }
    if (!waiting) useStudio.setState({ savePending: false });
  };
  const unsubscribe = useStudio.subscribe((s, prev) => {
    if (s.project === prev.project && s.runs === prev.runs) return;
    if (!s.savePending) useStudio.setState({ savePending: true });
    clearTimeout(timer);
    waiting = true;
    timer = setTimeout(() => void save(), s.train.phase === 'training' ? DEBOUNCE_TRAINING_MS : DEBOUNCE_MS);
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}

// A run's checkpoint (the worker's own format: parameters + optimiser state) is kept under its own key, so the
// project record stays small and a run's tuned prompt can be loaded back after a reload.
const checkpointKey = (runId: string) => `soft-prompt-studio/checkpoint/${runId}`;

export async function saveCheckpoint(runId: string, bytes: Uint8Array): Promise<void> {
  await set(checkpointKey(runId), bytes);
}

export function readCheckpoint(runId: string): Promise<Uint8Array | undefined> {
  return get<Uint8Array>(checkpointKey(runId));
}

export function deleteCheckpoint(runId: string): Promise<void> {
  return del(checkpointKey(runId));
}

// Saved starts (meta-learned or multitask initialisation files) under their names; the worker gets them back
// after each model load, since they live in its memory only.
const INIT_PREFIX = 'soft-prompt-studio/init/';

export async function saveInit(name: string, bytes: Uint8Array): Promise<void> {
  await set(INIT_PREFIX + name, bytes);
}

export async function readInits(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const names = (await keys()).filter((k): k is string => typeof k === 'string' && k.startsWith(INIT_PREFIX));
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const k of names) {
    const bytes = await get<Uint8Array>(k);
    if (bytes) out.push({ name: k.slice(INIT_PREFIX.length), bytes });
  }
  return out;
}

export function deleteInit(name: string): Promise<void> {
  return del(INIT_PREFIX + name);
}

// A shared link opened over the user's own project keeps that project here (one copy), so the banner can swap
// back to it, also after a reload; `role` says which of the two it is now.
const OTHER_PROJECT_KEY = 'soft-prompt-studio/other-project/v1';

export interface KeptProject {
  project: Project;
  role: 'previous' | 'shared';
}

export async function keepOtherProject(kept: KeptProject): Promise<void> {
  await set(OTHER_PROJECT_KEY, kept);
}

export async function readOtherProject(): Promise<KeptProject | null> {
  try {
    const kept = await get<Partial<KeptProject>>(OTHER_PROJECT_KEY);
    if (!kept || typeof kept !== 'object' || (kept.role !== 'previous' && kept.role !== 'shared')) return null;
    return { project: mergeProject(kept.project), role: kept.role };
  } catch {
    return null; // no IndexedDB (a private window): nothing was kept either
  }
}

export function dropOtherProject(): Promise<void> {
  return del(OTHER_PROJECT_KEY);
}
