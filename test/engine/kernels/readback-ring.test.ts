import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelRunner, type KernelRunner } from './harness.ts';

// The ring of mapped loss buffers (src/engine/gpu/buffers.ts), driven like a training loop that never awaits.
describe('ReadbackRing', () => {
  let gpu: KernelRunner;
  beforeAll(async () => {
    gpu = await kernelRunner();
  });
  afterAll(() => gpu?.close());

  it('delivers each recorded step its own value, skips steps only when every slot is in flight', async () => {
    const steps = 12, slots = 3;
    const r = await gpu.ringCheck(steps, slots);
    expect(r.maxInFlight).toBeLessThanOrEqual(slots);
    // Every step is either delivered (with the value written at that step) or skipped, never both or neither.
    const seen = [...r.delivered.map((d) => d.step), ...r.skipped].sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: steps }, (_, i) => i));
    for (const d of r.delivered) expect(d.value).toBe(1000 + d.step);
    expect(r.delivered.length).toBeGreaterThanOrEqual(slots); // the first `slots` steps always find a free slot
    // Arrival order follows submission order (one queue).
    const order = r.delivered.map((d) => d.step);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
