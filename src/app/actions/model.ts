// Model requests: load (bundled demo, Hub id, local folder; optionally on the CPU fallback) and clear the cache.
import type { ModelSource } from '../../worker/protocol.ts';
import { studio } from '../connect.ts';
import { errorText } from '../errors.ts';
import { patch, useStudio } from '../store.ts';
import { validateTable } from './data.ts';
import { restoreInits } from './meta.ts';

function describe(source: ModelSource): string {
  switch (source.kind) {
    case 'bundled':
      return `bundled ${source.id} model`;
    case 'hub':
      return `${source.id}@${source.revision}`;
    case 'files':
      return `local folder (${source.files.length} files)`;
  }
}

export async function loadModel(source: ModelSource, cpuFallback = false): Promise<void> {
  // The worker swaps models only once the new one has loaded: a failed load leaves the current one working.
  const before = useStudio.getState().model;
  const kept = before.state === 'ready' && before.info ? { label: before.label, info: before.info } : null;
  patch('model', { state: 'loading', label: describe(source), downloads: {}, message: '', error: null });
  try {
    const info = await studio.loadModel(source, { cpuFallback });
    patch('model', { state: 'ready', info, message: '' });
    // Saved starts live in the worker's memory: give them back to this model (those made on another are skipped).
    void restoreInits();
    // The preview's token count and the length checks depend on the tokenizer: re-check the data.
    void validateTable();
  } catch (e) {
    if (kept) patch('model', { state: 'ready', label: kept.label, info: kept.info, message: '', error: `${errorText(e)} Still using ${kept.info.name}.` });
    else patch('model', { state: 'failed', info: null, error: errorText(e) });
  }
}

export async function clearModelCache(): Promise<void> {
  try {
    await studio.clearModelCache();
    patch('model', { message: 'Model cache cleared: the next Hub load downloads again.', error: null });
  } catch (e) {
    patch('model', { error: errorText(e) });
  }
}
