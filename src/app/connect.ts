// Wires the worker's event stream into the store, once, outside React.
import { startStudioWorker, type StudioClient } from '../worker/client.ts';
import type { StudioEvent } from '../worker/protocol.ts';
import { useStudio } from './store.ts';

function onEvent(event: StudioEvent): void {
  switch (event.type) {
    case 'device':
      useStudio.getState().setDevice(event.status);
      break;
    case 'error':
      console.error(`[${event.error.code}] ${event.error.message}`);
      break;
  }
}

export const studio: StudioClient = startStudioWorker(onEvent);
void studio.initDevice();
