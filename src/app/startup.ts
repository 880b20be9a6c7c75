// Start-up order: restore the saved project, let a URL hash override its setup, then start the device and load
// the bundled demo model; a dataset named by the hash is fetched once a model is there to tokenize it.
import { loadChoices, loadSample, openFirstSample, watchTable } from './actions/data.ts';
import { loadModel } from './actions/model.ts';
import { studio } from './connect.ts';
import { DEMO_MODEL } from './defaults.ts';
import { restoreProject, startPersisting } from './persist.ts';
import type { Setup } from './project.ts';
import type { DatasetChoice } from '../worker/protocol.ts';
import { updateProject, useStudio } from './store.ts';
import { installTestHook } from './test-hook.ts';
import { pickSetup, setupFromHash, setupToHash } from './url-hash.ts';

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
  // A shared link pasted into this tab's address bar changes only the hash: apply it like a fresh load.
  window.addEventListener('hashchange', () => {
    const { project } = useStudio.getState();
    const shared = setupFromHash(location.hash, project);
    if (!shared) return;
    updateProject(shared);
    if (shared.datasetId && shared.datasetId !== project.datasetId) void loadSharedDataset(shared);
  });
}

let choicesLoaded: Promise<DatasetChoice[]> | null = null;

async function loadSharedDataset(shared: Setup): Promise<void> {
  const wanted = shared.datasetId;
  const choices = await (choicesLoaded ??= loadChoices());
  const choice = choices.find((c) => c.id === wanted);
  if (choice) await loadSample(choice, shared.template);
  else useStudio.setState({ workerError: `The shared link names the dataset “${wanted}”, which is not bundled here.` });
}

let restored: { storedDatasetId: string | null; shared: Setup | null } = { storedDatasetId: null, shared: null };

/** Step 1, before the first render: the saved project, with a shared link's setup over it. */
export async function restoreStudio(): Promise<void> {
  installTestHook();
  const { project, runs } = await restoreProject();
  const shared = setupFromHash(location.hash, project);
  restored = { storedDatasetId: project.datasetId, shared };
  useStudio.setState({ project: shared ? { ...project, ...shared } : project, runs });
  startPersisting();
  syncHash();
  watchTable();
}

/** Step 2: device, demo model, and the shared link's dataset. */
export async function bootStudio(): Promise<void> {
  const { storedDatasetId, shared } = restored;
  choicesLoaded = loadChoices();
  // A first visit (blank table, no shared dataset) opens on the first sample, in the table before the model loads.
  const firstSample = shared?.datasetId ? Promise.resolve() : choicesLoaded.then(openFirstSample);

  const device = await studio.initDevice();
  await firstSample;
  if (device.kind === 'ready') await loadModel(DEMO_MODEL);
  // Without WebGPU the Model panel offers the CPU fallback; the user decides.

  if (shared?.datasetId && shared.datasetId !== storedDatasetId) await loadSharedDataset(shared);
}
