import { describe, expect, it } from 'vitest';
import { compareGolden, defaultGoldenDir, listGoldenCases, loadGoldenCase } from '../../../cli/golden-case.ts';
import { referenceBackward, referenceForward } from '../../../src/engine/reference/decoder.ts';

// The float64 reference decoder against the independent PyTorch/PEFT fixtures: it must agree to f32 rounding.
describe('float64 reference vs golden fixtures', () => {
  const dir = defaultGoldenDir();
  for (const caseDir of listGoldenCases(dir)) {
    it(caseDir.split('/').pop()!, async () => {
      const c = await loadGoldenCase(caseDir);
      const fwd = referenceForward(c.cfg, c.weights, c.batch, c.extras, { logits: true });
      const grad = referenceBackward(fwd.tape);
      const e = compareGolden(c, { loss: fwd.loss, logits: fwd.logits!, grad: grad.promptEmbeds ?? grad.prefix! });
      expect(fwd.targets).toBe(c.caseJson.num_loss_tokens);
      expect(Math.abs(fwd.loss - c.caseJson.loss_f64) / c.caseJson.loss_f64).toBeLessThan(1e-7);
      expect(e.logitsAbs, 'logits max abs error').toBeLessThan(1e-5);
      expect(e.gradRel, 'grad error / max|grad|').toBeLessThan(1e-5);
    });
  }
});
