// The studio worker: owns the GPU device (and, as they land, the model and the trainer). A thin dispatcher:
// each method validates its request and calls into tuning/engine; nothing here renders anything.
import * as Comlink from 'comlink';
import { acquireGpu, NoWebGpuError, type GpuContext } from '../engine/gpu/device.ts';
import type { DeviceStatus, StudioEvent, StudioEventListener, StudioWorkerApi } from './protocol.ts';

let listener: StudioEventListener | null = null;
let gpu: GpuContext | null = null;

function emit(event: StudioEvent): void {
  listener?.(event);
}

const api: Pick<StudioWorkerApi, 'subscribe' | 'initDevice'> = {
  subscribe(l) {
    listener = l;
  },
  async initDevice(): Promise<DeviceStatus> {
    try {
      gpu = await acquireGpu((self.navigator as Navigator & { gpu?: GPU }).gpu);
      const ctx = gpu;
      void ctx.lost.then((info) => {
        if (gpu === ctx) gpu = null;
        emit({
          type: 'error',
          error: { code: 'device-lost', message: `The GPU device was lost (${info.reason}: ${info.message}). Reload the device to continue.` },
        });
      });
      const status: DeviceStatus = { kind: 'ready', adapter: gpu.adapter };
      emit({ type: 'device', status });
      return status;
    } catch (e) {
      const error =
        e instanceof NoWebGpuError
          ? { code: 'no-webgpu' as const, message: e.message }
          : { code: 'internal' as const, message: `Could not start WebGPU: ${(e as Error).message}` };
      const status: DeviceStatus = { kind: 'unavailable', error };
      emit({ type: 'device', status });
      return status;
    }
  },
};

Comlink.expose(api);
