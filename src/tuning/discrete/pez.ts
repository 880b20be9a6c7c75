// PEZ, "Hard Prompts Made Easy" (Wen et al. 2023, Algorithm 1): keep a continuous prompt P (P rows of the
// hidden size); at every step project each row to its nearest vocabulary embedding (cosine), run forward and
// backward with the projected embeddings, and apply that gradient to the continuous copy. The output is the
// projected prompt that scored best, as token ids (and text, by the caller's tokenizer).
//
// Optimiser: AdamW, as the paper's code (lr 0.1, weight decay 0.1 are its defaults). "Best" here is the mean
// training loss on a fixed scoring set of training examples, re-computed only when the projection changes:
// the paper keeps the best by its target score at each step; a fixed set makes steps comparable, which the
// step's own mini-batch loss is not.
import type { CausalLM } from '../../engine/model/causal-lm.ts';
import type { EncodedExample } from '../data/encoded.ts';
import { validationLoss } from '../evaluate.ts';
import { AdamW } from '../optim.ts';
import { Rng } from '../random.ts';
import { embeddingRows, hardPromptExtras, projectToVocabulary, type Vocabulary } from './projection.ts';
import { BatchSampler, scoringSet } from './search-data.ts';

export interface PezOptions {
  promptLength: number; // tokens in the discovered prompt
  steps: number;
  learningRate: number; // paper: 0.1
  weightDecay: number; // paper: 0.1
  batchSize: number;
  scoreExamples: number; // size of the fixed scoring set (training examples)
  seed: number;
}

export const DEFAULT_PEZ_OPTIONS: PezOptions = { promptLength: 8, steps: 40, learningRate: 0.1, weightDecay: 0.1, batchSize: 8, scoreExamples: 32, seed: 42 };

export interface HardPromptSearchStep {
  step: number; // 1-based
  total: number;
  loss: number; // this step's mini-batch loss with the current prompt
  bestLoss: number; // best scoring-set loss so far
  ids: number[]; // the current prompt's tokens
}

export interface HardPromptResult {
  ids: number[];
  /** Mean loss of `ids` on the scoring set (training examples). */
  scoreLoss: number;
  /** Scoring-set loss of the starting prompt, for "did the search help". */
  initialScoreLoss: number;
  steps: number;
  seconds: number;
}

export interface SearchHooks {
  onStep?(step: HardPromptSearchStep): void;
  shouldStop?(): boolean;
}

export function checkPezOptions(o: PezOptions): string[] {
  const p: string[] = [];
  for (const [name, v] of [['prompt length', o.promptLength], ['steps', o.steps], ['batch size', o.batchSize], ['scoring examples', o.scoreExamples]] as const)
    if (!(Number.isInteger(v) && v >= 1)) p.push(`${name} must be a whole number ≥ 1 (got ${v})`);
  if (!(o.learningRate > 0)) p.push(`learning rate must be > 0 (got ${o.learningRate})`);
  if (!(o.weightDecay >= 0)) p.push(`weight decay must be ≥ 0 (got ${o.weightDecay})`);
  return p;
}

export async function discoverPez(lm: CausalLM, vocab: Vocabulary, train: readonly EncodedExample[], options: PezOptions, hooks: SearchHooks = {}): Promise<HardPromptResult> {
  const problems = checkPezOptions(options);
  if (problems.length) throw new Error(`invalid PEZ options: ${problems.join('; ')}`);
  const t0 = performance.now();
  const rng = new Rng(options.seed);
  const C = vocab.hidden;
  const P = options.promptLength;
  // Init as the paper's code: the embeddings of random (allowed) vocabulary tokens.
  const allowedIds = [...vocab.allowed.keys()].filter((v) => vocab.allowed[v]);
  const continuous = embeddingRows(Array.from({ length: P }, () => allowedIds[rng.int(allowedIds.length)]), vocab);
  const scoring = scoringSet(train, options.scoreExamples, rng);
  const sampler = new BatchSampler(train, options.batchSize, rng, lm.config);
  const optimizer = new AdamW({ prompt: P * C }, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: options.weightDecay });
  const scored = new Map<string, number>();
  const score = async (ids: number[]) => {
    const key = ids.join(',');
    let loss = scored.get(key);
    if (loss === undefined) {
      loss = await validationLoss(lm, scoring, hardPromptExtras(ids, vocab), Math.max(1, lm.capacity.rows));
      scored.set(key, loss);
    }
    return loss;
  };
  let best = projectToVocabulary(continuous, vocab);
  const initialScoreLoss = await score(best);
  let bestLoss = initialScoreLoss;
  let step = 0;
  while (step < options.steps && !hooks.shouldStop?.()) {
    const ids = projectToVocabulary(continuous, vocab);
    const { loss, grad } = await lm.lossAndGrad(sampler.next(), hardPromptExtras(ids, vocab));
    if (!grad) throw new Error('the engine returned no gradient for the projected prompt');
    if (!Number.isFinite(loss)) throw new Error(`PEZ: the loss became ${loss} at step ${step + 1}`);
    optimizer.step({ prompt: continuous }, { prompt: grad }, options.learningRate);
    step += 1;
    // The update may have moved the projection: score the prompt the next step will use.
    const next = projectToVocabulary(continuous, vocab);
    const nextLoss = await score(next);
    if (nextLoss < bestLoss) {
      bestLoss = nextLoss;
      best = next;
    }
    hooks.onStep?.({ step, total: options.steps, loss, bestLoss, ids: next });
  }
  return { ids: best, scoreLoss: bestLoss, initialScoreLoss, steps: step, seconds: (performance.now() - t0) / 1000 };
}
