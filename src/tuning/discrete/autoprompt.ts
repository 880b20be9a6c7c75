// AutoPrompt (Shin et al. 2020): a prompt of trigger tokens, improved one position at a time. At position i,
// the first-order change of the loss when the trigger's embedding e_i is swapped for a vocabulary row e_v is
// (e_v − e_i)·g_i, with g_i = d loss / d e_i; so the candidates are the top-k of −(E·g_i) (Eq. 2 of the
// paper), and each candidate is then re-scored by a real forward pass on the same batch; the best one replaces
// the trigger only if it lowers that batch's loss.
//
// Trigger positions: the triggers are prepended to the template (positions 0..T-1). The engine's gradient
// exists only for the prepended input (`promptEmbeds`), so triggers in the middle of the template — between
// the input and "Code:", as the paper's templates place them — are not supported. The position to update is
// drawn at random each iteration, as in the paper's code.
import type { TokenBatch } from '../../engine/model/batch.ts';
import type { CausalLM } from '../../engine/model/causal-lm.ts';
import type { EncodedExample } from '../data/encoded.ts';
import { validationLoss } from '../evaluate.ts';
import { Rng } from '../random.ts';
import type { HardPromptResult, SearchHooks } from './pez.ts';
import { hardPromptExtras, type Vocabulary } from './projection.ts';
import { BatchSampler, scoringSet } from './search-data.ts';

export interface AutoPromptOptions {
  triggerLength: number;
  iterations: number; // one position updated per iteration
  candidates: number; // k: candidates re-scored per iteration (paper: 10–100)
  batchSize: number;
  scoreExamples: number; // fixed scoring set (training examples) for the reported loss
  seed: number;
  /** Starting triggers (length triggerLength); default: the first allowed token repeated. */
  initIds?: number[];
}

export const DEFAULT_AUTOPROMPT_OPTIONS: AutoPromptOptions = { triggerLength: 6, iterations: 24, candidates: 8, batchSize: 8, scoreExamples: 32, seed: 42 };

export function checkAutoPromptOptions(o: AutoPromptOptions): string[] {
  const p: string[] = [];
  for (const [name, v] of [['trigger length', o.triggerLength], ['iterations', o.iterations], ['candidates', o.candidates], ['batch size', o.batchSize], ['scoring examples', o.scoreExamples]] as const)
    if (!(Number.isInteger(v) && v >= 1)) p.push(`${name} must be a whole number ≥ 1 (got ${v})`);
  if (o.initIds && o.initIds.length !== o.triggerLength) p.push(`${o.initIds.length} starting triggers given for a trigger length of ${o.triggerLength}`);
  return p;
}

export interface Candidate {
  id: number;
  /** −(e_v · g_i): larger means a larger first-order decrease of the loss. */
  score: number;
}

/** The k allowed ids with the largest −(e_v · g_i), best first, leaving out `exclude` (the current trigger). */
export function topCandidates(vocab: Vocabulary, gradRow: Float32Array, k: number, exclude: readonly number[] = []): Candidate[] {
  const C = vocab.hidden;
  if (gradRow.length !== C) throw new Error(`gradient row has ${gradRow.length} values, the hidden size is ${C}`);
  const skip = new Set(exclude);
  const all: Candidate[] = [];
  for (let v = 0; v < vocab.size; v++) {
    if (!vocab.allowed[v] || skip.has(v)) continue;
    let dot = 0;
    const o = v * C;
    for (let c = 0; c < C; c++) dot += vocab.embed[o + c] * gradRow[c];
    all.push({ id: v, score: -dot });
  }
  // Ties broken by id so the order is deterministic.
  all.sort((a, b) => b.score - a.score || a.id - b.id);
  return all.slice(0, k);
}

/** The batch loss with trigger `position` replaced by each candidate in turn (one forward pass each). */
export async function rescoreCandidates(lm: CausalLM, batch: TokenBatch, vocab: Vocabulary, ids: readonly number[], position: number, candidates: readonly number[]): Promise<number[]> {
  const losses: number[] = [];
  for (const id of candidates) {
    const trial = [...ids];
    trial[position] = id;
    losses.push((await lm.lossAndGrad(batch, hardPromptExtras(trial, vocab), { grad: false })).loss);
  }
  return losses;
}

export async function discoverAutoPrompt(lm: CausalLM, vocab: Vocabulary, train: readonly EncodedExample[], options: AutoPromptOptions, hooks: SearchHooks = {}): Promise<HardPromptResult> {
  const problems = checkAutoPromptOptions(options);
  if (problems.length) throw new Error(`invalid AutoPrompt options: ${problems.join('; ')}`);
  const t0 = performance.now();
  const rng = new Rng(options.seed);
  const C = vocab.hidden;
  const T = options.triggerLength;
  const firstAllowed = vocab.allowed.indexOf(1);
  let ids = options.initIds ? [...options.initIds] : Array.from({ length: T }, () => firstAllowed);
  const scoring = scoringSet(train, options.scoreExamples, rng);
  const sampler = new BatchSampler(train, options.batchSize, rng, lm.config);
  const score = (x: number[]) => validationLoss(lm, scoring, hardPromptExtras(x, vocab), Math.max(1, lm.capacity.rows));
  const initialScoreLoss = await score(ids);
  // The search follows the batch losses (as the paper); what it returns is the prompt with the best
  // scoring-set loss seen, so a swap that only helped one batch is not the final answer.
  let bestLoss = initialScoreLoss;
  let bestIds = ids;
  let iteration = 0;
  while (iteration < options.iterations && !hooks.shouldStop?.()) {
    const batch = sampler.next();
    const { loss, grad } = await lm.lossAndGrad(batch, hardPromptExtras(ids, vocab));
    if (!grad) throw new Error('the engine returned no gradient for the trigger tokens');
    const position = rng.int(T);
    const candidates = topCandidates(vocab, grad.subarray(position * C, (position + 1) * C), options.candidates, [ids[position]]);
    const losses = await rescoreCandidates(lm, batch, vocab, ids, position, candidates.map((c) => c.id));
    let pick = -1;
    for (let j = 0; j < losses.length; j++) if (losses[j] < loss && (pick < 0 || losses[j] < losses[pick])) pick = j;
    iteration += 1;
    if (pick >= 0) {
      ids = [...ids];
      ids[position] = candidates[pick].id;
      const swappedLoss = await score(ids);
      if (swappedLoss < bestLoss) {
        bestLoss = swappedLoss;
        bestIds = ids;
      }
    }
    hooks.onStep?.({ step: iteration, total: options.iterations, loss, bestLoss, ids });
  }
  return { ids: bestIds, scoreLoss: bestLoss, initialScoreLoss, steps: iteration, seconds: (performance.now() - t0) / 1000 };
}
