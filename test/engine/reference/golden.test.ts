import { describe, expect, it } from 'vitest';
import { defaultGoldenDir, listGoldenCases, loadGoldenCase } from '../../../cli/golden-case.ts';
import { referenceBackward, referenceForward } from '../../../src/engine/reference/decoder.ts';

// The float64 reference decoder against the independent PyTorch/PEFT fixtures (computed in float64, stored
// in float32): it must agree to f32 rounding on every output. GOLDEN_DIR overrides where the cases live.
const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};
/** Max |a - b| over both arrays, reporting the first index that is off (NaN counts as off). */
function maxDiff(got: ArrayLike<number>, want: ArrayLike<number>): { max: number; at: number } {
  expect(got.length).toBe(want.length);
  let max = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= max)) [max, at] = [Number.isNaN(d) ? Infinity : d, i];
  }
  return { max, at };
}

describe('float64 reference vs golden fixtures', () => {
  const dir = defaultGoldenDir();
  for (const caseDir of listGoldenCases(dir)) {
    it(caseDir.split('/').pop()!, async () => {
      const c = await loadGoldenCase(caseDir);
      const cj = c.caseJson;
      const fwd = referenceForward(c.cfg, c.weights, c.batch, c.extras, { logits: true, residual: true });
      const grad = referenceBackward(fwd.tape);
      const { B, S } = fwd.tape;
      const V = c.cfg.vocabSize;
      expect(S).toBe(cj.logits_seq_len);

      // Which positions are scored: exactly the fixture's [b, t] pairs.
      expect(fwd.tape.targets.map(({ pos }) => [Math.floor(pos / S), pos % S])).toEqual(cj.loss_target_positions);
      expect(fwd.targets).toBe(cj.num_loss_tokens);

      // Both sides are float64 computations of the same formula: only summation order differs.
      expect(Math.abs(fwd.loss - cj.loss_f64) / cj.loss_f64, 'loss vs loss_f64').toBeLessThan(1e-12);
      expect(Math.abs(fwd.loss - c.expected.loss) / c.expected.loss, 'loss vs stored f32 loss').toBeLessThan(1e-6);

      const logits = maxDiff(fwd.logits!, c.expected.logits);
      expect(logits.max, `logits max abs error (first worst at flat index ${logits.at})`).toBeLessThan(1e-5);

      const last = new Float64Array(B * V);
      for (let b = 0; b < B; b++) last.set(fwd.logits!.subarray((b * S + cj.logits_last_index[b]) * V, (b * S + cj.logits_last_index[b] + 1) * V), b * V);
      expect(maxDiff(last, c.expected.logitsLast).max, 'logits_last max abs error').toBeLessThan(1e-5);

      const g = grad.promptEmbeds ?? grad.prefix!;
      const ge = maxDiff(g, c.expected.grad);
      expect(ge.max / maxAbs(c.expected.grad), `grad error / max|grad| (worst at ${ge.at})`).toBeLessThan(1e-5);

      if (c.expected.residual) {
        const re = maxDiff(fwd.residual!, c.expected.residual);
        expect(re.max / maxAbs(c.expected.residual), `residual stream error / max|residual| (worst at ${re.at})`).toBeLessThan(1e-6);
      }
    });
  }
});
