// The UI's only door to compute: starts the studio worker and wraps it with Comlink.
import * as Comlink from 'comlink';
import type { StudioEventListener, StudioWorkerApi } from './protocol.ts';

export type StudioClient = Comlink.Remote<StudioWorkerApi>;

export function startStudioWorker(onEvent: StudioEventListener): StudioClient {
  const worker = new Worker(new URL('./studio.worker.ts', import.meta.url), { type: 'module', name: 'studio' });
  const client = Comlink.wrap<StudioWorkerApi>(worker);
  void client.subscribe(Comlink.proxy(onEvent), document.baseURI);
  return client;
}
