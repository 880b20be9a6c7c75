// One outer step of MetaTrainer on the float64 CPU engine (a golden Llama model with GQA), against the same
// step done by hand: the episode drawn with the same seed, the inner loop written out with the engine's
// gradients, and AdamW's first update, which is lr · g / (|g| + ε) per element.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultGoldenDir, loadGoldenCase } from '../../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../../src/engine/reference/reference-lm.ts';
import { MetaTrainer, DEFAULT_META_CONFIG, type MetaTrainConfig } from '../../../src/tuning/meta/meta-trainer.ts';
import { sampleEpisode, type MetaTask } from '../../../src/tuning/meta/episodes.ts';
import { toTrainingBatch, type EncodedExample } from '../../../src/tuning/data/encoded.ts';
import { promptTuning } from '../../../src/tuning/methods/prompt-tuning.ts';
import { Rng } from '../../../src/tuning/random.ts';
import type { PromptTuningOptions } from '../../../src/tuning/methods/method.ts';

function task(name: string, vocab: number, seed: number): MetaTask {
  const r = new Rng(seed);
  return {
    name,
    train: Array.from({ length: 12 }, (_, i): EncodedExample => ({
      input: `${name} ${i}`,
      output: 'y',
      prompt: Array.from({ length: 3 + (i % 2) }, () => r.int(vocab)),
      target: [r.int(vocab)],
    })),
  };
}

const method: PromptTuningOptions = { method: 'prompt', virtualTokens: 2, init: 'random', initText: '' };

async function setup(overrides: Partial<MetaTrainConfig>) {
  const c = await loadGoldenCase(join(defaultGoldenDir(), 'llama-prompt'));
  const lm = new ReferenceCausalLM(c.cfg, c.weights);
  const tasks = [task('a', c.cfg.vocabSize, 1), task('b', c.cfg.vocabSize, 2)];
  const config: MetaTrainConfig = { ...DEFAULT_META_CONFIG, method, metaBatch: 1, innerSteps: 2, supportSize: 3, querySize: 4, clipNorm: 0, seed: 11, ...overrides };
  return { lm, tasks, config };
}

describe('MetaTrainer, one outer step by hand', () => {
  for (const algorithm of ['fomaml', 'reptile'] as const) {
    it(`${algorithm} with the SGD inner loop`, async () => {
      const { lm, tasks, config } = await setup({ algorithm, innerOptimizer: 'sgd', innerLr: 0.5, metaLr: 0.01 });
      const trainer = new MetaTrainer(lm, config, tasks);
      const theta0 = Float64Array.from(trainer.theta.prompt_embeddings.data);

      // By hand: the trainer's RNG first initialises θ (random init: P·C normals), then draws the episode.
      const rng = new Rng(config.seed);
      const init = promptTuning.init({ cfg: lm.config, embed: lm.weights.embed, rng }, method).prompt_embeddings.data;
      expect(Array.from(init)).toEqual(Array.from(theta0));
      const episode = sampleEpisode(tasks, config, rng);
      const grad = async (x: Float64Array, examples: EncodedExample[]) =>
        Float64Array.from((await lm.lossAndGrad(toTrainingBatch(examples, lm.config), { promptEmbeds: Float32Array.from(x), virtualTokens: 2 })).grad!);
      let phi = Float64Array.from(theta0);
      for (let j = 0; j < 2; j++) {
        const g = await grad(phi, episode.support);
        phi = Float64Array.from(phi, (v, i) => Math.fround(v - 0.5 * g[i])); // parameters are stored in f32
      }
      const meta = algorithm === 'fomaml' ? await grad(phi, episode.query) : Float64Array.from(theta0, (v, i) => v - phi[i]);
      const expected = Float64Array.from(theta0, (v, i) => v - (0.01 * meta[i]) / (Math.abs(meta[i]) + 1e-8));

      const report = await trainer.metaStep();
      expect(report.tasks).toEqual([episode.task]);
      const got = trainer.theta.prompt_embeddings.data;
      let moved = 0;
      for (let i = 0; i < got.length; i++) {
        expect(got[i]).toBeCloseTo(expected[i], 6);
        moved = Math.max(moved, Math.abs(got[i] - theta0[i]));
      }
      expect(moved).toBeGreaterThan(0.009); // Adam's first step moves every element by ≈ lr
    });
  }

  it('Meta-SGD moves its step sizes by −Σ g_S ⊙ g_Q (first Adam step: −lr·sign), and keeps them ≥ 0', async () => {
    const { lm, tasks, config } = await setup({ algorithm: 'fomaml', innerOptimizer: 'sgd', metaSgd: true, innerLr: 0.2, innerSteps: 1 });
    const trainer = new MetaTrainer(lm, config, tasks);
    const rng = new Rng(config.seed);
    promptTuning.init({ cfg: lm.config, embed: lm.weights.embed, rng }, method);
    const episode = sampleEpisode(tasks, config, rng);
    const theta0 = Float32Array.from(trainer.theta.prompt_embeddings.data);
    const gradAt = async (x: Float32Array, ex: EncodedExample[]) =>
      (await lm.lossAndGrad(toTrainingBatch(ex, lm.config), { promptEmbeds: x, virtualTokens: 2 })).grad!;
    const gS = await gradAt(theta0, episode.support);
    const phi = Float32Array.from(theta0, (v, i) => v - 0.2 * gS[i]);
    const gQ = await gradAt(phi, episode.query);
    await trainer.metaStep();
    const alpha = trainer.stepSizes!.prompt_embeddings;
    for (let i = 0; i < alpha.length; i++) {
      const d = -gS[i] * gQ[i];
      const expected = Math.max(0, 0.2 - 0.02 * Math.sign(d) * (Math.abs(d) / (Math.abs(d) + 1e-8)));
      expect(alpha[i]).toBeCloseTo(expected, 5);
    }
  });

  it('refuses setups that cannot work, saying what to change', async () => {
    const { lm, tasks, config } = await setup({});
    expect(() => new MetaTrainer(lm, { ...config, metaSgd: true, innerOptimizer: 'adam' }, tasks)).toThrow(/set the inner optimiser to SGD/);
    expect(() => new MetaTrainer(lm, { ...config, supportSize: 10, querySize: 10 }, tasks)).toThrow(/task "a" has 12 training examples; an episode needs 20/);
  });
});
