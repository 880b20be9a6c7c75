// Meta-learning requests: meta-train a start over sample datasets (the table's dataset is the held-out task),
// compare starts on the table's task, and keep saved starts (IndexedDB) so they survive a reload.
import * as Comlink from 'comlink';
import type { InitSummary, TaskSource } from '../../worker/protocol.ts';
import { studio } from '../connect.ts';
import { errorText } from '../errors.ts';
import { patchMeta, useMeta } from '../meta-store.ts';
import { deleteInit, readInits, saveInit } from '../persist.ts';
import { trainConfigOf } from '../project.ts';
import { updateProject, useStudio } from '../store.ts';
import { validateTable } from './data.ts';
import { download } from './export.ts';

const ALGORITHM_NAMES = { fomaml: 'FO-MAML', reptile: 'Reptile', metasgd: 'Meta-SGD', multitask: 'multitask' } as const;

function addSummary(init: InitSummary): void {
  patchMeta({ inits: [...useMeta.getState().inits.filter((i) => i.name !== init.name), init] });
}

/** Hands the stored starts back to the worker (after each model load); ones made on another model are skipped. */
export async function restoreInits(): Promise<void> {
  const skipped: string[] = [];
  patchMeta({ inits: [] });
  for (const { name, bytes } of await readInits().catch(() => [])) {
    try {
      addSummary(await studio.addInit(Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer])));
    } catch {
      skipped.push(name);
    }
  }
  if (skipped.length) patchMeta({ message: `Saved starts made on another model are hidden: ${skipped.join(', ')}.` });
}

async function fetchTask(id: string): Promise<TaskSource> {
  const choice = useStudio.getState().data.choices?.find((c) => c.id === id);
  if (!choice) throw new Error(`sample dataset ${id} is not in datasets/index.json`);
  const res = await fetch(choice.file);
  if (!res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) throw new Error(`could not fetch ${choice.file} (HTTP ${res.status})`);
  return { name: id, text: await res.text(), fileName: choice.file.split('/').pop() ?? choice.file, template: choice.template };
}

export async function metaTrain(): Promise<void> {
  const s = useStudio.getState();
  const { meta } = s.project;
  if (s.model.state !== 'ready') return patchMeta({ error: 'Load a model first (Model panel).' });
  if (meta.tasks.length === 0) return patchMeta({ error: 'Tick at least one dataset to meta-train on.' });
  patchMeta({ running: 'meta', error: null, message: 'Fetching the tasks…', progress: [] });
  try {
    const tasks = await Promise.all(meta.tasks.map(fetchTask));
    const method = s.project.methodOptions[s.project.method];
    const name = `${ALGORITHM_NAMES[meta.algorithm]} over ${meta.tasks.join(', ')} (${method.method}, ${method.virtualTokens} tokens)`;
    const init = await studio.metaTrain({
      name,
      tasks,
      heldOut: s.project.datasetId,
      choice: { algorithm: meta.algorithm, method, steps: meta.steps, innerSteps: meta.innerSteps, metaBatch: meta.metaBatch, seed: s.project.hyper.seed },
    });
    addSummary(init);
    const file = await studio.exportInit(init.name);
    await saveInit(init.name, file.bytes);
    updateProject((p) => ({ meta: { ...p.meta, startFrom: init.name } }));
    patchMeta({ running: null, message: `Saved the start “${init.name}” after ${init.outerSteps} steps; new runs start from it.` });
  } catch (e) {
    patchMeta({ running: null, error: errorText(e), message: null });
  }
}

export async function stopMeta(): Promise<void> {
  await studio.stopMeta();
}

/** Accuracy after 0, 5, 10, 20, 50 steps on the table's task, from `name` and from the method's own inits. */
export async function compareStarts(name: string): Promise<void> {
  const s = useStudio.getState();
  patchMeta({ running: 'compare', error: null, message: null, livePoints: [], comparison: null });
  try {
    const summary = await validateTable();
    if (!summary?.ok) throw new Error('the data has errors: fix them in the Data panel first');
    const upTo = s.project.meta.compareUpTo;
    const steps = [...[0, 5, 10, 20, 50].filter((k) => k < upTo), upTo];
    const comparison = await studio.compareStarts(name, trainConfigOf(s.project), s.project.datasetId ?? 'this table', steps);
    patchMeta({ running: null, comparison });
  } catch (e) {
    patchMeta({ running: null, error: errorText(e) });
  }
}

export async function downloadInit(name: string): Promise<void> {
  try {
    const file = await studio.exportInit(name);
    download(file.fileName, file.mime, file.bytes);
  } catch (e) {
    patchMeta({ error: errorText(e) });
  }
}

export async function uploadInit(file: File): Promise<void> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const copy = bytes.slice(); // the copy travels to the worker; the original is stored
    const init = await studio.addInit(Comlink.transfer(copy, [copy.buffer]));
    addSummary(init);
    await saveInit(init.name, bytes);
    patchMeta({ error: null, message: `Loaded the start “${init.name}” from ${file.name}.` });
  } catch (e) {
    patchMeta({ error: `${file.name}: ${errorText(e)}` });
  }
}

export async function forgetInit(name: string): Promise<void> {
  await deleteInit(name);
  patchMeta({ inits: useMeta.getState().inits.filter((i) => i.name !== name) });
  if (useStudio.getState().project.meta.startFrom === name) updateProject((p) => ({ meta: { ...p.meta, startFrom: null } }));
}
