// Data requests: validate the table (debounced while the user types), import pasted text, an uploaded file or a
// sample dataset. Imports go to the worker as they are, so its errors point at the user's own lines, and it answers
// the rows for the table (the page never parses a large file); only an accepted import replaces the table, and
// rejected text stays in the paste area to be fixed. The worker keeps the table's rows: a template or split change
// sends none of them, an edit, an added or a deleted row sends the rows it changed (worker/table-delta.ts).
import type { DatasetChoice, DatasetSpec, DatasetSummary, TableCheckSpec } from '../../worker/protocol.ts';
import { tableDelta } from '../../worker/table-delta.ts';
import { studio } from '../connect.ts';
import { errorText } from '../errors.ts';
import type { DataRow } from '../project.ts';
import { patch, updateProject, useStudio } from '../store.ts';
import { binaryKind, bytesProblem, MAX_TABLE_BYTES, pastedFileName, rowsFromText, sizeProblem } from '../table-csv.ts';

let requestSeq = 0;

function checkSpec(template: string): TableCheckSpec {
  const { project } = useStudio.getState();
  return {
    template,
    validationFraction: project.validationFraction,
    seed: project.dataSeed,
    chatTemplate: project.chatTemplate,
    // Rows too long for the model are counted with the virtual tokens the method field says.
    virtualTokens: project.methodOptions[project.method].virtualTokens,
  };
}

/** Runs one worker check and shows its summary, unless a newer request (the user kept typing) answered first. */
async function send<T extends { summary: DatasetSummary }>(ask: () => Promise<T>, source: string): Promise<T | null> {
  const seq = ++requestSeq;
  patch('data', { validating: true, error: null });
  try {
    const reply = await ask();
    if (seq === requestSeq) patch('data', { summary: reply.summary, summarySource: source, validating: false });
    return reply;
  } catch (e) {
    if (seq === requestSeq) patch('data', { validating: false, error: errorText(e) });
    return null;
  }
}

/** The table the worker holds; a change that touches few rows (an edit, Add row, ✕) goes as those rows only. */
let sentRows: readonly DataRow[] | null = null;
const MAX_PATCH_ROWS = 100;

async function syncTable(rows: readonly DataRow[]): Promise<void> {
  if (rows === sentRows) return;
  const delta = sentRows ? tableDelta(sentRows, rows, MAX_PATCH_ROWS) : null;
  sentRows = rows;
  try {
    if (delta) {
      // A worker that does not hold the table the delta starts from (it restarted) refuses it: send it whole.
      const applied = await studio.patchTable(delta).then(
        () => true,
        () => false,
      );
      if (applied) return;
    }
    await studio.setTable(rows as DataRow[]);
  } catch (e) {
    sentRows = null; // send it whole next time
    throw e;
  }
}

async function checkTableNow(): Promise<DatasetSummary | null> {
  const reply = await send(async () => {
    const { project } = useStudio.getState();
    await syncTable(project.rows);
    return { summary: await studio.checkTable(checkSpec(project.template)) };
  }, 'table');
  return reply?.summary ?? null;
}

// A check of 50,000 rows takes the worker seconds: while one runs, at most one more waits, shared by every caller
// that comes meanwhile, and it reads the table and template when it starts, so typing never piles up checks.
let running: Promise<unknown> = Promise.resolve();
let queued: Promise<DatasetSummary | null> | null = null;

/** Checks the table with the current template and split; resolves with the worker's summary (null on failure). */
export function validateTable(): Promise<DatasetSummary | null> {
  if (queued) return queued;
  const next = running.then(() => {
    queued = null;
    return checkTableNow();
  });
  queued = next;
  running = next.catch(() => undefined);
  return next;
}

let timer: ReturnType<typeof setTimeout> | undefined;
export function scheduleValidate(delayMs = 400): void {
  clearTimeout(timer);
  timer = setTimeout(() => void validateTable(), delayMs);
}

/** Re-checks the table whenever rows, template, chat template or split change (once a model can tokenize it). */
export function watchTable(): () => void {
  return useStudio.subscribe((s, prev) => {
    const p = s.project;
    const q = prev.project;
    const tokens = (x: typeof p) => x.methodOptions[x.method].virtualTokens;
    const changed =
      p.rows !== q.rows || p.template !== q.template || p.validationFraction !== q.validationFraction || p.dataSeed !== q.dataSeed || p.chatTemplate !== q.chatTemplate || tokens(p) !== tokens(q);
    if (changed && s.model.state === 'ready') scheduleValidate();
  });
}

/** Imports text (pasted, uploaded, or a sample): the table takes its rows only if the worker accepts it. Only
 *  pasted text touches the paste box: a rejected paste stays there to be fixed, an accepted one empties it; an
 *  upload or a sample never replaces the user's draft (its errors name the file instead). */
export async function importText(
  text: string,
  fileName: string,
  options: { template?: string; datasetId?: string | null; source?: string; fromPaste?: boolean } = {},
): Promise<boolean> {
  const template = options.template ?? useStudio.getState().project.template;
  const source = options.source ?? fileName;
  const tooBig = sizeProblem(text, source);
  if (tooBig) {
    patch('data', { importing: null, error: tooBig });
    return false;
  }
  // A table check still waiting (debounced) would answer after the import and hide its errors: the import's
  // answer is what the user asked for now (Train checks the table again anyway).
  clearTimeout(timer);
  patch('data', { importing: source });
  const spec: DatasetSpec = { ...checkSpec(template), text, fileName };
  const reply = await send(() => studio.importDataset(spec), source);
  patch('data', { importing: null });
  if (reply === null || !reply.summary.ok || reply.rows === null) return false;
  // The worker kept these rows as its table; the table changes, so watchTable() re-checks it (its tokens are
  // remembered, so that is quick): the summary then describes the table itself.
  sentRows = reply.rows;
  updateProject({ rows: reply.rows, template, datasetId: options.datasetId ?? null, ...(options.fromPaste ? { pasteText: '' } : {}) });
  return true;
}

export function importPasted(text: string): Promise<boolean> {
  return importText(text, pastedFileName(text), { source: 'pasted text', fromPaste: true });
}

export async function importFile(file: File): Promise<boolean> {
  patch('data', { importing: file.name, error: null });
  const binary = binaryKind(new Uint8Array(await file.slice(0, 4096).arrayBuffer()));
  if (binary) {
    patch('data', { importing: null, error: `${file.name} is ${binary}, not a text table: upload a CSV, TSV or JSONL file.` });
    return false;
  }
  // A file far past the limit is refused by its size, before it is read into the page.
  const tooBig = file.size > 2 * MAX_TABLE_BYTES ? bytesProblem(file.size, file.name) : null;
  if (tooBig) {
    patch('data', { importing: null, error: tooBig });
    return false;
  }
  const text = await file.text();
  return importText(text, file.name);
}

/** Reads public/datasets/index.json (relative, so the built app works from any sub-path). */
export async function loadChoices(): Promise<DatasetChoice[]> {
  try {
    const res = await fetch('datasets/index.json');
    // Vite answers a missing file with index.html: check the type, not only the status.
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    if (!(res.headers.get('content-type') ?? '').includes('json')) throw new Error('not found: the server sent a page, not JSON');
    const choices = (await res.json()) as DatasetChoice[];
    patch('data', { choices, choicesMessage: choices.length === 0 ? 'No sample datasets are bundled.' : null });
    return choices;
  } catch (e) {
    patch('data', { choices: [], choicesMessage: `Sample datasets are not available (datasets/index.json: ${errorText(e)}).` });
    return [];
  }
}

/** Loads a sample; `template` overrides the sample's own (a shared link keeps its template). */
export async function loadSample(choice: DatasetChoice, template = choice.template): Promise<boolean> {
  patch('data', { importing: choice.title, error: null });
  try {
    const res = await fetch(choice.file);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    if ((res.headers.get('content-type') ?? '').includes('text/html')) throw new Error('not found: the server sent a page, not data');
    const text = await res.text();
    const fileName = choice.file.split('/').pop() ?? choice.file;
    return await importText(text, fileName, { template, datasetId: choice.id, source: choice.title });
  } catch (e) {
    patch('data', { importing: null, error: `Could not fetch the sample “${choice.title}” (${choice.file}): ${errorText(e)}` });
    return false;
  }
}

/** True for a project whose table was never filled (a first visit): it opens on the first sample instead. */
export function tableIsBlank(rows: readonly { input: string; output: string }[]): boolean {
  return rows.every((r) => r.input.trim() === '' && r.output.trim() === '');
}

/** A first visit opens ready to train: the first sample and its template go straight into the table, before the
 *  model is there to check them (the model's load checks the table), so no "no examples found" shows first. */
export async function openFirstSample(choices: DatasetChoice[]): Promise<void> {
  const choice = choices[0];
  if (!choice || !tableIsBlank(useStudio.getState().project.rows)) return;
  try {
    const res = await fetch(choice.file);
    if (!res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) throw new Error(`HTTP ${res.status}`);
    const rows = rowsFromText(await res.text(), choice.file.split('/').pop() ?? choice.file);
    // The user may have typed into the table meanwhile: theirs wins.
    if (tableIsBlank(useStudio.getState().project.rows)) updateProject({ rows, template: choice.template, datasetId: choice.id });
  } catch (e) {
    patch('data', { error: `Could not open the sample “${choice.title}” (${choice.file}): ${errorText(e)}` });
  }
}

/** Rewrites the table's outputs spelled as any of `variants` (after trimming) to `into`: one class, not several. */
export function mergeLabels(merge: { variants: string[]; into: string }): void {
  const from = new Set(merge.variants);
  updateProject((p) => ({ rows: p.rows.map((r) => (from.has(r.output.trim()) ? { ...r, output: merge.into } : r)), datasetId: null }));
}
