// Keeps the project and the runs in IndexedDB (idb-keyval), so a reload restores the studio exactly: written
// 400 ms after the last change (a run's curves change every frame while training), read once at start.
// One save is one transaction (the project without its rows, the runs, the text of fields holding what they do not
// accept, and the table's changed chunks of rows, row-chunks.ts): it lands whole or not at all, so a reload in the
// middle of a save, or storage refused part-way through it, leaves the previous save as it was. When the browser
// refuses to save (its storage is full), the studio says so and keeps working on what it holds in memory.
import { createStore, del, get, keys, promisifyRequest, set } from 'idb-keyval';
import { DEFAULT_CURVE, DEFAULT_CV, defaultProject, type DataRow, type Project, type RunRecord } from './project.ts';
import { changedChunks, chunkRows } from './row-chunks.ts';
import { useStudio } from './store.ts';

const PROJECT_KEY = 'soft-prompt-studio/project/v1';
const RUNS_KEY = 'soft-prompt-studio/runs/v1';
const DRAFTS_KEY = 'soft-prompt-studio/field-drafts/v1';
const chunkKey = (i: number) => `soft-prompt-studio/rows/v1/${i}`;
const DEBOUNCE_MS = 400;
// While a run streams metrics, its growing curves are saved less often: each save clones every run.
const DEBOUNCE_TRAINING_MS = 3000;

// idb-keyval's own database and store: the records above sit beside checkpoints and saved starts (written with its
// default store), but a save needs one transaction of its own, aborted when any write in it fails.
const store = createStore('keyval-store', 'keyval');

/** The project as stored: its rows in `rowChunks` chunks under their own keys (older saves kept them inline). */
type StoredProject = Partial<Project> & { rowChunks?: number };

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

/** The chunks of rows as last written (or read), to write only the chunks an edit changed. */
let savedChunks: DataRow[][] = [];

export interface Restored {
  project: Project;
  runs: RunRecord[];
  /** Number fields' text that was not a value they accept, by test id, kept as typed. */
  fieldDrafts: Record<string, string>;
}

export async function restoreProject(): Promise<Restored> {
  try {
    // One read transaction, so the project, its rows and the runs all come from the same save.
    const read = await store('readonly', async (s) => {
      const [stored, runs, drafts] = await Promise.all(
        [PROJECT_KEY, RUNS_KEY, DRAFTS_KEY].map((k) => promisifyRequest<unknown>(s.get(k))),
      );
      const project = stored as StoredProject | undefined;
      const count = project && typeof project.rowChunks === 'number' ? project.rowChunks : 0;
      const chunks = await Promise.all(Array.from({ length: count }, (_, i) => promisifyRequest<unknown>(s.get(chunkKey(i)))));
      return { project, runs, drafts, chunks };
    });
    const { rowChunks, ...stored } = read.project ?? {};
    let rows = stored.rows;
    if (typeof rowChunks === 'number') {
      if (read.chunks.every((c): c is DataRow[] => Array.isArray(c))) {
        savedChunks = read.chunks;
        rows = read.chunks.flat();
      } else {
        console.warn('The saved table is incomplete; opening without it.');
        rows = undefined;
      }
    }
    const drafts = read.drafts && typeof read.drafts === 'object' ? (read.drafts as Record<string, string>) : {};
    return {
      project: mergeProject(read.project ? { ...stored, rows } : undefined),
      runs: Array.isArray(read.runs) ? (read.runs as RunRecord[]) : [],
      fieldDrafts: Object.fromEntries(Object.entries(drafts).filter(([, v]) => typeof v === 'string')),
    };
  } catch (e) {
    // Private windows may refuse IndexedDB: start fresh rather than not at all.
    console.warn('Could not read the saved project:', e);
    return { project: defaultProject(), runs: [], fieldDrafts: {} };
  }
}

/** Writes every entry and deletes every key in one transaction; a write that throws aborts the others with it.
 *  Each write is issued when the one before it has landed: the transaction stays open, and the page's thread gets
 *  a breath between two chunks of a large table (each write copies its value on the spot). */
function commit(entries: [string, unknown][], deletes: string[]): Promise<void> {
  return store('readwrite', (s) => {
    const tx = s.transaction;
    let thrown: unknown = null;
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = tx.onerror = () => reject(thrown ?? tx.error ?? new DOMException('The save was cut short.', 'AbortError'));
    });
    let i = 0;
    const next = (): void => {
      try {
        if (i < entries.length) {
          const [k, v] = entries[i++];
          s.put(v, k).onsuccess = next;
          return;
        }
        for (const k of deletes) s.delete(k);
      } catch (e) {
        thrown = e;
        tx.abort();
      }
    };
    next();
    return done;
  });
}

/** What the studio says when the browser did not save: the work is still here, in this tab only. */
export function saveProblemText(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  const why =
    name === 'QuotaExceededError'
      ? 'this browser’s storage for the studio is full'
      : `this browser refused to save it (${e instanceof Error || e instanceof DOMException ? e.message : String(e)})`;
  return `Your latest changes are not saved: ${why}. They are kept in this tab only, so a reload or closing it loses them; everything still works. Free some space (delete old runs, or other sites’ data) and the studio saves again at your next change.`;
}

/** Starts writing project and runs after each change; returns a function that stops it. */
export function startPersisting(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waiting = false; // a write is scheduled but not started
  const save = async () => {
    waiting = false;
    const { project, runs, fieldDrafts } = useStudio.getState();
    const { rows, ...rest } = project;
    const chunks = chunkRows(rows);
    const { changed, stale } = changedChunks(chunks, savedChunks);
    try {
      await commit(
        [
          [PROJECT_KEY, { ...rest, rowChunks: chunks.length }],
          [RUNS_KEY, runs],
          [DRAFTS_KEY, fieldDrafts],
          ...changed.map((i): [string, unknown] => [chunkKey(i), chunks[i]]),
        ],
        stale.map(chunkKey),
      );
      savedChunks = chunks;
      if (useStudio.getState().saveProblem !== null) useStudio.setState({ saveProblem: null });
    } catch (e) {
      useStudio.setState({ saveProblem: saveProblemText(e) });
    }
    if (!waiting) useStudio.setState({ savePending: false });
  };
  const unsubscribe = useStudio.subscribe((s, prev) => {
    if (s.project === prev.project && s.runs === prev.runs && s.fieldDrafts === prev.fieldDrafts) return;
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
