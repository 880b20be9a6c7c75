// Start-up order: restore the saved project, let a shared link (URL hash) open over it — keeping the user's own
// project aside (actions/share.ts) — then start the device and load the bundled demo model; a sample named by the
// link is fetched once a model is there to check it.
import { openFirstSample, watchTable } from './actions/data.ts';
import { loadModel } from './actions/model.ts';
import { loadSharedSample, offerKeptProject, openSharedHash, sampleChoices } from './actions/share.ts';
import { studio } from './connect.ts';
import { DEMO_MODEL } from './defaults.ts';
import { restoreProject, startPersisting } from './persist.ts';
import { updateProject, useStudio } from './store.ts';
import { installTestHook } from './test-hook.ts';
import { pickSetup, setupToHash } from './url-hash.ts';

/** Keeps the URL hash in step with the setup (replaceState: no history entry per keystroke). */
function syncHash(): void {
  const write = () => {
    const hash = setupToHash(pickSetup(useStudio.getState().project));
    if (location.hash.slice(1) !== hash) history.replaceState(null, '', `#${hash}`);
  };
  write();
  useStudio.subscribe((s, prev) => {
    if (s.project !== prev.project) write();
  });
  // A shared link pasted into this tab's address bar changes only the hash: open it like a fresh load.
  window.addEventListener('hashchange', () => {
    void openSharedHash(location.hash, useStudio.getState().project).then(({ project, sampleToFetch }) => {
      if (project !== useStudio.getState().project) updateProject(project);
      if (sampleToFetch) void loadSharedSample(sampleToFetch);
    });
  });
}

let sampleToFetch: string | null = null;

/** Step 1, before the first render: the saved project, with a shared link opened over it. */
export async function restoreStudio(): Promise<void> {
  installTestHook();
  const { project: stored, runs, fieldDrafts } = await restoreProject();
  const opened = await openSharedHash(location.hash, stored);
  sampleToFetch = opened.sampleToFetch;
  if (opened.project === stored) await offerKeptProject();
  useStudio.setState({ project: opened.project, runs, fieldDrafts });
  startPersisting();
  syncHash();
  watchTable();
}

/** Step 2: device, demo model, and the shared link's sample. */
export async function bootStudio(): Promise<void> {
  // A first visit (blank table, no shared sample) opens on the first sample, in the table before the model loads.
  const choices = sampleChoices();
  const firstSample = sampleToFetch ? Promise.resolve() : choices.then(openFirstSample);

  const device = await studio.initDevice();
  await firstSample;
  if (device.kind === 'ready') await loadModel(DEMO_MODEL);
  // Without WebGPU the Model panel offers the CPU fallback; the user decides.

  if (sampleToFetch) await loadSharedSample(sampleToFetch);
}
