// What both hard-prompt searches (PEZ, AutoPrompt) draw from the training split: seeded mini-batches, and a
// fixed scoring set on which candidate prompts are compared (training examples only: the validation split is
// kept for the comparison table, so a search never sees it).
import type { TokenBatch } from '../../engine/model/batch.ts';
import type { ModelConfig } from '../../engine/model/config.ts';
import type { EncodedExample } from '../data/encoded.ts';
import { toTrainingBatch } from '../data/encoded.ts';
import { Rng } from '../random.ts';

export class BatchSampler {
  private order: number[] = [];
  private cursor = 0;

  constructor(
    private readonly examples: readonly EncodedExample[],
    private readonly batchSize: number,
    private readonly rng: Rng,
    private readonly cfg: Pick<ModelConfig, 'padTokenId' | 'eosTokenId'>,
  ) {
    if (examples.length === 0) throw new Error('there are no training examples to search a prompt on');
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`batch size must be a whole number ≥ 1 (got ${batchSize})`);
  }

  /** The next batch of a seeded epoch-wise shuffle (every example once per epoch). */
  next(): TokenBatch {
    const picked: EncodedExample[] = [];
    const size = Math.min(this.batchSize, this.examples.length);
    while (picked.length < size) {
      if (this.cursor >= this.order.length) {
        this.order = this.rng.shuffle(this.examples.map((_, i) => i));
        this.cursor = 0;
      }
      picked.push(this.examples[this.order[this.cursor++]]);
    }
    return toTrainingBatch(picked, this.cfg);
  }
}

/** Up to `count` training examples drawn with `rng`, the same for every candidate of a search. */
export function scoringSet(examples: readonly EncodedExample[], count: number, rng: Rng): EncodedExample[] {
  return rng.sample(examples, Math.min(count, examples.length));
}
