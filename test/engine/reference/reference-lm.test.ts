import { describe, expect, it } from 'vitest';
import { defaultGoldenDir, listGoldenCases, loadGoldenCase } from '../../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../../src/engine/reference/reference-lm.ts';

// The CPU CausalLM (the fallback without WebGPU) on the golden cases: its three entry points must give the
// fixtures' loss and gradient, the per-row log-probabilities implied by the fixtures' logits, and logits_last.

function logSoftmaxAt(logits: Float32Array, offset: number, V: number, label: number): number {
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[offset + i]);
  let sum = 0;
  for (let i = 0; i < V; i++) sum += Math.exp(logits[offset + i] - max);
  return logits[offset + label] - max - Math.log(sum);
}

describe('ReferenceCausalLM vs golden fixtures', () => {
  for (const caseDir of listGoldenCases(defaultGoldenDir())) {
    it(caseDir.split('/').pop()!, async () => {
      const c = await loadGoldenCase(caseDir);
      const lm = new ReferenceCausalLM(c.cfg, c.weights);
      expect(lm.backend).toBe('cpu');
      expect(lm.capacity.tokens).toBe(c.cfg.maxPositions);
      const cj = c.caseJson;
      const V = c.cfg.vocabSize;
      const S = cj.logits_seq_len;

      const r = await lm.lossAndGrad(c.batch, c.extras);
      expect(r.targets).toBe(cj.num_loss_tokens);
      expect(Math.abs(r.loss - cj.loss_f64) / cj.loss_f64).toBeLessThan(1e-6);
      let gmax = 0;
      let gerr = 0;
      c.expected.grad.forEach((g, i) => {
        gmax = Math.max(gmax, Math.abs(g));
        gerr = Math.max(gerr, Math.abs(g - r.grad![i]));
      });
      expect(r.grad!.length).toBe(c.expected.grad.length);
      expect(gerr / gmax).toBeLessThan(1e-5);

      const noGrad = await lm.lossAndGrad(c.batch, c.extras, { grad: false });
      expect(noGrad.grad).toBeNull();
      expect(noGrad.loss).toBe(r.loss);

      // Per row, Σ log p(label) over the fixture's scored positions, computed from the fixture's own logits.
      const rows = await lm.scoreRows(c.batch, c.extras);
      const want = new Float64Array(c.batch.rows);
      const Pv = cj.method === 'prompt' ? cj.num_virtual_tokens : 0;
      for (const [b, t] of cj.loss_target_positions) {
        const label = cj.labels[b][t + 1 - Pv];
        want[b] += logSoftmaxAt(c.expected.logits, (b * S + t) * V, V, label);
      }
      for (let b = 0; b < c.batch.rows; b++) expect(Math.abs(rows[b] - want[b]), `row ${b}`).toBeLessThan(1e-4);
      expect(Math.abs(rows.reduce((a, v) => a + v, 0) + r.loss * r.targets)).toBeLessThan(1e-9 * r.targets);

      const last = await lm.lastLogits(c.batch, c.extras);
      expect(last.length).toBe(c.batch.rows * V);
      let lerr = 0;
      last.forEach((v, i) => (lerr = Math.max(lerr, Math.abs(v - c.expected.logitsLast[i]))));
      expect(lerr).toBeLessThan(1e-5);
    });
  }
});
