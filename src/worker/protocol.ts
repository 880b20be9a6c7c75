// The one contract between the UI thread and the studio worker. Requests are Comlink method calls (each gets
// exactly one reply: a value or a thrown StudioError); everything that streams — download progress, step
// metrics — arrives as a StudioEvent through the listener the UI registers. Big arrays travel as transfers.
import type { AdapterSummary } from '../engine/gpu/device.ts';

export type { AdapterSummary };

/** Stable error codes the UI can branch on; `message` is the human sentence that says what to do. */
export type StudioErrorCode = 'no-webgpu' | 'device-lost' | 'bad-input' | 'model-load' | 'internal';

export interface StudioErrorInfo {
  code: StudioErrorCode;
  message: string;
}

export type DeviceStatus =
  | { kind: 'ready'; adapter: AdapterSummary }
  | { kind: 'unavailable'; error: StudioErrorInfo };

/** Events streamed from the worker; `type` narrows the payload. */
export type StudioEvent =
  | { type: 'device'; status: DeviceStatus }
  | { type: 'error'; error: StudioErrorInfo };

export type StudioEventListener = (event: StudioEvent) => void;

/** What the worker exposes (wrapped by Comlink on the UI side). */
export interface StudioWorkerApi {
  /** Registers the UI's event listener (a Comlink proxy). */
  subscribe(listener: StudioEventListener): void;
  /** Acquires (or re-acquires) the WebGPU device and reports the adapter. */
  initDevice(): Promise<DeviceStatus>;
}
