import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChromiumPage, type PageSession } from '../../../cli/chromium.ts';
import type { GenerationHarnessResult } from '../../browser/generation-harness.ts';

// KV-cache generation on WebGPU (headless Chromium; SwiftShader here) on the bundled demo model: the cached greedy
// tokens equal the full recompute's on the same engine and the float64 reference's, for no extra input, a soft
// prompt and a prefix; the cached logits stay within 1e-4 of the recompute's at every step; top-k 1 is greedy;
// a seed reproduces a sample, which only ever draws from the top k; steps create no GPU buffers.
let session: PageSession;
let r: GenerationHarnessResult;
const N = 12;
beforeAll(async () => {
  session = await openChromiumPage('test/browser/generation-harness.html', 'generationHarness');
  r = await session.page.evaluate((n) => window.generationHarness.run(n), N);
}, 400_000);
afterAll(async () => session?.close());

describe('WebGPU KV-cache generation (demo model)', () => {
  for (const name of ['no extra input', 'soft prompt', 'prefix']) {
    it(`${name}: cached = full recompute = float64 reference`, () => {
      const c = r.cases.find((x) => x.name === name)!;
      console.log(`${name}: ${c.cached.join(' ')}; max |Δ logit| cached vs recompute ${c.maxLogitDiff.toExponential(2)}, vs float64 ${c.maxLogitDiffReference.toExponential(2)}`);
      expect(c.cached).toHaveLength(N);
      expect(c.cached).toEqual(c.recompute);
      expect(c.cached).toEqual(c.reference);
      expect(c.maxLogitDiff).toBeLessThan(1e-4);
      expect(c.maxLogitDiffReference).toBeLessThan(1e-4);
    });
  }

  it('the three starts generate different text (the extra input reaches the cache)', () => {
    expect(new Set(r.cases.map((c) => c.cached.join())).size).toBe(3);
  });

  it('top-k 1 is greedy; seeded sampling is reproducible, seed-dependent and stays in the top k', () => {
    expect(r.topK1).toEqual(r.greedy);
    expect(r.sampled).toHaveLength(N);
    expect(r.sampledAgain).toEqual(r.sampled);
    expect(r.sampledOtherSeed).not.toEqual(r.sampled);
    expect(r.sampledInTopK.every(Boolean)).toBe(true);
  });

  it('no GPU buffer is created once the decoder exists', () => {
    expect(r.buffersCreatedDuringSteps).toBe(0);
  });
});
