// Multitask prompt tuning's reparameterisation S ⊙ (U_t V_t): its backward against central differences in
// float64, and PEFT's "average source tasks" start.
import { describe, expect, it } from 'vitest';
import { averageTaskPrompt, taskPrompt, taskPromptBackward } from '../../../src/tuning/meta/multitask.ts';
import type { Params } from '../../../src/tuning/nn/dense.ts';
import { Rng } from '../../../src/tuning/random.ts';

const T = 3, P = 2, R = 2, C = 5;
function params(seed: number): Params {
  const r = new Rng(seed);
  const t = (shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => r.normal()) });
  return { prompt_embeddings: t([P, C]), prefix_task_cols: t([T, P, R]), prefix_task_rows: t([T, R, C]) };
}

describe('multitask prompt (MPT) reparameterisation', () => {
  it('backward matches central differences of a linear read-out of task 1’s prompt', () => {
    const p = params(3);
    const r = new Rng(9);
    const w = Float32Array.from({ length: P * C }, () => r.normal()); // loss = Σ w ⊙ prompt_t ⇒ dY = w
    const loss = (x: Params) => taskPrompt(x, 1, R).prompt.reduce((a, v, i) => a + v * w[i], 0);
    const { factor } = taskPrompt(p, 1, R);
    const grads = taskPromptBackward(p, 1, R, factor, w);
    for (const name of Object.keys(p)) {
      const data = p[name].data;
      for (let i = 0; i < data.length; i++) {
        const keep = data[i];
        const h = 1e-2; // f32 storage: a large step, exact for a loss that is bilinear in each tensor
        data[i] = keep + h;
        const up = loss(p);
        data[i] = keep - h;
        const down = loss(p);
        data[i] = keep;
        expect(grads[name][i]).toBeCloseTo((up - down) / (2 * h), 3);
      }
    }
    // Other tasks' factors get no gradient from task 1's batch.
    expect(grads.prefix_task_cols.subarray(0, P * R).every((v) => v === 0)).toBe(true);
  });

  it('the average-source-tasks start is S ⊙ (mean U · mean V)', () => {
    const p = params(5);
    const start = averageTaskPrompt(p, R);
    const S = p.prompt_embeddings.data, U = p.prefix_task_cols.data, V = p.prefix_task_rows.data;
    for (let i = 0; i < P; i++)
      for (let c = 0; c < C; c++) {
        let m = 0;
        for (let k = 0; k < R; k++) {
          let u = 0, v = 0;
          for (let t = 0; t < T; t++) {
            u += U[t * P * R + i * R + k] / T;
            v += V[t * R * C + k * C + c] / T;
          }
          m += u * v;
        }
        expect(start[i * C + c]).toBeCloseTo(S[i * C + c] * m, 4);
      }
  });
});
