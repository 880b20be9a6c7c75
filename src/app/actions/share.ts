// Sharing a workshop setup: "Copy share link", and opening such a link (at start or pasted into this tab).
// A link never silently replaces what the user had: the project it replaces is kept in IndexedDB (persist.ts) and
// the banner swaps back to it (and forth), also after a reload, until the user says which one to keep.
import { errorText } from '../errors.ts';
import { dropOtherProject, keepOtherProject, readOtherProject } from '../persist.ts';
import { defaultSetup, type Project } from '../project.ts';
import { buildShareLink } from '../share-link.ts';
import { patchShare, useShare } from '../share-store.ts';
import { useStudio } from '../store.ts';
import { pickSetup, readSharedHash } from '../url-hash.ts';
import { loadChoices, loadSample, tableIsBlank } from './data.ts';
import type { DatasetChoice } from '../../worker/protocol.ts';

export async function copyShareLink(): Promise<void> {
  const link = buildShareLink(useStudio.getState().project, location.href);
  let copied = false;
  try {
    await navigator.clipboard.writeText(link.url);
    copied = true;
  } catch {
    // Refused (no permission, or a page served over plain http): the field beside the button holds the link.
  }
  patchShare({ link: { ...link, copied } });
}

const sameSetup = (a: Project, b: Project) => JSON.stringify(pickSetup(a)) === JSON.stringify(pickSetup(b));
const sameRows = (a: Project, b: Project) => a.rows === b.rows || JSON.stringify(a.rows) === JSON.stringify(b.rows);

/** A project nobody has worked on yet (a first visit): replacing it loses nothing. */
function untouched(p: Project): boolean {
  return tableIsBlank(p.rows) && p.pasteText.trim() === '' && JSON.stringify(pickSetup(p)) === JSON.stringify(defaultSetup());
}

function describe(p: Project, ownTable: boolean): string {
  const data = ownTable ? `its own table of ${p.rows.length} rows` : p.datasetId ? `the sample “${p.datasetId}”` : 'your table';
  return `method ${p.method}, ${p.hyper.steps} steps, on ${data}`;
}

export interface OpenedLink {
  project: Project;
  /** A sample the link names that is not in the table yet: fetched once a model can check it. */
  sampleToFetch: string | null;
}

/** What `hash` opens over `current`: the project to show, and the banner's message (share-store). A refused link
 *  changes nothing and says why; a link that changes the setup or the table keeps `current` first. */
export async function openSharedHash(hash: string, current: Project): Promise<OpenedLink> {
  const unchanged = { project: current, sampleToFetch: null };
  const read = readSharedHash(hash, current);
  if (read.kind === 'none') return unchanged;
  if (read.kind === 'rejected') {
    patchShare({ problem: read.reason });
    return unchanged;
  }
  const next: Project = { ...current, ...read.setup, ...(read.rows ? { rows: read.rows } : {}) };
  patchShare({ problem: read.ignored.length > 0 ? `Some values in the shared link were not usable and were left as they were: ${read.ignored.join(', ')}.` : null });
  if (sameSetup(current, next) && sameRows(current, next)) return unchanged;
  const keep = !untouched(current);
  if (keep) {
    try {
      await keepOtherProject({ project: current, role: 'previous' });
    } catch (e) {
      patchShare({ problem: `The shared link was not opened: this browser could not keep your own table and setup aside first (${errorText(e)}).` });
      return unchanged;
    }
  }
  const what = describe(next, read.rows !== null);
  patchShare({
    opened: {
      message: keep ? `Opened a shared setup: ${what}. Your previous table and setup are kept in this browser.` : `Opened a shared setup: ${what}.`,
      kept: keep ? 'previous' : null,
    },
  });
  return { project: next, sampleToFetch: next.datasetId !== null && next.datasetId !== current.datasetId ? next.datasetId : null };
}

/** On start without a link: a project a link replaced earlier is still kept, so the banner offers it again. */
export async function offerKeptProject(): Promise<void> {
  const kept = await readOtherProject();
  if (!kept) return;
  patchShare({
    opened: {
      message: kept.role === 'previous' ? 'A shared setup replaced your table and setup here; yours are kept in this browser.' : 'The shared setup you opened here is kept in this browser.',
      kept: kept.role,
    },
  });
}

/** Swaps the project with the kept one (the user's own ↔ the shared one): nothing of either is lost. */
export async function swapKeptProject(): Promise<void> {
  const kept = await readOtherProject();
  const opened = useShare.getState().opened;
  if (!kept || !opened) {
    patchShare({ opened: null, problem: 'The other table and setup are no longer kept in this browser.' });
    return;
  }
  const current = useStudio.getState().project;
  const role = kept.role === 'previous' ? 'shared' : 'previous';
  try {
    await keepOtherProject({ project: current, role });
  } catch (e) {
    patchShare({ problem: `Could not keep the current table aside, so nothing was swapped (${errorText(e)}).` });
    return;
  }
  useStudio.setState({ project: kept.project });
  patchShare({
    opened: {
      message: role === 'shared' ? 'Your previous table and setup are back; the shared setup is kept in this browser.' : 'The shared setup is back; your own table and setup are kept in this browser.',
      kept: role,
    },
  });
}

/** Keeps what is shown and forgets the other project. */
export async function dismissShared(): Promise<void> {
  patchShare({ opened: null });
  await dropOtherProject().catch(() => undefined);
}

let choicesLoaded: Promise<DatasetChoice[]> | null = null;

/** The list of samples, fetched once (shared with start-up). */
export function sampleChoices(): Promise<DatasetChoice[]> {
  return (choicesLoaded ??= loadChoices());
}

/** Loads the sample a link names into the table, unless the user swapped back meanwhile. */
export async function loadSharedSample(id: string): Promise<void> {
  const choices = await sampleChoices();
  const { project } = useStudio.getState();
  if (project.datasetId !== id) return;
  const choice = choices.find((c) => c.id === id);
  if (choice) await loadSample(choice, project.template);
  else patchShare({ problem: `The shared link names the dataset “${id}”, which is not bundled here.` });
}
