// Drives a ReadbackRing the way a training loop does: each step writes its "loss" on the GPU, records a copy into
// the ring, submits, and does not await; values arrive later. Returns which steps were read and what arrived.
import { createStorage, ReadbackRing } from '../../../src/engine/gpu/buffers.ts';

export interface RingCheck {
  delivered: { step: number; value: number }[]; // in arrival order
  skipped: number[]; // steps whose copy found every slot in flight
  maxInFlight: number;
}

export async function ringCheck(device: GPUDevice, steps: number, slots: number): Promise<RingCheck> {
  const loss = createStorage(device, 16);
  const ring = new ReadbackRing(device, 4, slots);
  const delivered: RingCheck['delivered'] = [];
  const skipped: number[] = [];
  let maxInFlight = 0;
  for (let step = 0; step < steps; step++) {
    device.queue.writeBuffer(loss, 0, Float32Array.of(1000 + step)); // stands in for the step's compute
    const enc = device.createCommandEncoder();
    const recorded = ring.record(enc, loss);
    device.queue.submit([enc.finish()]);
    const pending = ring.afterSubmit();
    if (!recorded || !pending) skipped.push(step);
    else void pending.then((bytes) => delivered.push({ step, value: new Float32Array(bytes)[0] }));
    maxInFlight = Math.max(maxInFlight, ring.inFlight);
  }
  await ring.flush();
  ring.destroy();
  loss.destroy();
  return { delivered, skipped, maxInFlight };
}
