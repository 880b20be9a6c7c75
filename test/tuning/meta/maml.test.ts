// The first-order meta-learning updates against arithmetic done by hand, on quadratic losses whose gradients
// are known in closed form: L_S(θ) = ½‖θ − s‖², L_Q(θ) = ½‖θ − q‖² (so ∇L_S(θ) = θ − s).
import { describe, expect, it } from 'vitest';
import { adaptInner, metaSgdStepSizeGradient, reptileGradient, type Objective } from '../../../src/tuning/meta/maml.ts';
import type { Params } from '../../../src/tuning/nn/dense.ts';

const s = [1, -2, 0.5];
const q = [0, 1, 2];
const quadratic = (target: number[]): Objective => async (p: Params) => {
  const x = p.w.data;
  const g = Float64Array.from(x, (v, i) => v - target[i]);
  return { loss: 0.5 * g.reduce((a, b) => a + b * b, 0), grads: { w: g } };
};
const theta = (): Params => ({ w: { shape: [3], data: Float32Array.from([0.3, 0.4, -0.1]) } });

describe('first-order MAML by hand', () => {
  it('the SGD inner loop is φ₁ = θ − α(θ − s), φ₂ = φ₁ − α(φ₁ − s), and θ is untouched', async () => {
    const alpha = 0.25;
    const t = theta();
    const { adapted, supportGrads, supportLosses } = await adaptInner(t, quadratic(s), 2, alpha, 'sgd');
    const th = [0.3, 0.4, -0.1].map(Math.fround);
    const phi1 = th.map((v, i) => v - alpha * (v - s[i]));
    const phi2 = phi1.map((v, i) => v - alpha * (v - s[i]));
    for (let i = 0; i < 3; i++) {
      expect(adapted.w.data[i]).toBeCloseTo(phi2[i], 6);
      expect(supportGrads[0].w[i]).toBeCloseTo(th[i] - s[i], 6);
      expect(supportGrads[1].w[i]).toBeCloseTo(phi1[i] - s[i], 6);
    }
    expect(supportLosses[0]).toBeCloseTo(0.5 * th.reduce((a, v, i) => a + (v - s[i]) ** 2, 0), 6);
    expect(Array.from(t.w.data)).toEqual(th);
    // FO-MAML's meta-gradient is the query gradient at φ₂: φ₂ − q.
    const { grads } = await quadratic(q)(adapted);
    for (let i = 0; i < 3; i++) expect(grads.w[i]).toBeCloseTo(phi2[i] - q[i], 6);
  });

  it('Meta-SGD: per-parameter step sizes, and the step-size gradient −g_S ⊙ g_Q matches finite differences for one step', async () => {
    const alpha = Float32Array.from([0.1, 0.5, 0.2]);
    const t = theta();
    const inner = await adaptInner(t, quadratic(s), 1, { w: alpha }, 'sgd');
    const th = Array.from(t.w.data);
    for (let i = 0; i < 3; i++) expect(inner.adapted.w.data[i]).toBeCloseTo(th[i] - alpha[i] * (th[i] - s[i]), 6);
    const query = await quadratic(q)(inner.adapted);
    const dAlpha = metaSgdStepSizeGradient(inner.supportGrads, query.grads).w;
    // With one inner step the first-order formula is exact: check it against central differences in α.
    const lossAt = (a: number[]) => 0.5 * th.reduce((acc, v, i) => acc + (v - a[i] * (v - s[i]) - q[i]) ** 2, 0);
    for (let i = 0; i < 3; i++) {
      const h = 1e-5;
      const up = Array.from(alpha);
      const down = Array.from(alpha);
      up[i] += h;
      down[i] -= h;
      expect(dAlpha[i]).toBeCloseTo((lossAt(up) - lossAt(down)) / (2 * h), 5);
    }
  });

  it('Reptile moves θ toward φ: its gradient is θ − φ_k', async () => {
    const t = theta();
    const inner = await adaptInner(t, quadratic(s), 3, 0.5, 'sgd');
    const g = reptileGradient(t, inner.adapted).w;
    // Three SGD steps of size ½ on ½‖θ − s‖² shrink θ − s by (½)³: θ − φ₃ = (1 − ⅛)(θ − s).
    for (let i = 0; i < 3; i++) expect(g[i]).toBeCloseTo((1 - 0.125) * (t.w.data[i] - s[i]), 6);
  });

  it('clips each inner gradient to the given norm, and Meta-SGD refuses the Adam inner loop', async () => {
    const inner = await adaptInner(theta(), quadratic([10, 10, 10]), 1, 1, 'sgd', 1);
    const norm = Math.hypot(...inner.supportGrads[0].w);
    expect(norm).toBeCloseTo(1, 5);
    await expect(adaptInner(theta(), quadratic(s), 1, { w: new Float32Array(3) }, 'adam')).rejects.toThrow(/SGD/);
  });
});
