// The float64 reference as a CausalLM: the slow CPU fallback when a browser has no WebGPU (fine for the demo
// model, far too slow for real checkpoints).
import type { ExtraInputs, TokenBatch } from '../model/batch.ts';
import type { CausalLM, LossAndGrad } from '../model/causal-lm.ts';
import type { ModelConfig } from '../model/config.ts';
import type { ModelWeights } from '../model/weights.ts';
import { referenceBackward, referenceForward } from './decoder.ts';
import { linearForward } from './ops.ts';
import { promptCache, runGeneration, type GenerateOptions, type Generation, type PromptCache } from '../model/generate.ts';
import { CallQueue } from '../model/call-queue.ts';
import { ReferenceKvDecoder } from './kv-decoder.ts';

export class ReferenceCausalLM implements CausalLM {
  readonly backend = 'cpu' as const;
  readonly capacity: { rows: number; tokens: number; virtualTokens: number };
  // The cache (L × 2 × positions × kv width float64) is made on the first generation: training never needs it.
  private decoder: ReferenceKvDecoder | null = null;
  /** Generations only: the other calls are synchronous and never touch the decoder. */
  private readonly generations = new CallQueue();

  constructor(readonly config: ModelConfig, readonly weights: ModelWeights) {
    this.capacity = { rows: 64, tokens: config.maxPositions, virtualTokens: config.maxPositions - 1 };
  }

  /** The float64 reference has no buffers: rows are bounded only to keep one call's memory modest. */
  rowsPerCall(): number {
    return this.capacity.rows;
  }

  async lossAndGrad(batch: TokenBatch, extras: ExtraInputs, options: { grad?: boolean } = {}): Promise<LossAndGrad> {
    const fwd = referenceForward(this.config, this.weights, batch, extras);
    if (fwd.targets === 0) throw new Error('the batch has no scored tokens (every label is -100)');
    const wantGrad = (options.grad ?? true) && Boolean(extras.promptEmbeds || extras.prefix);
    const g = wantGrad ? referenceBackward(fwd.tape) : null;
    const grad = g ? Float32Array.from(g.promptEmbeds ?? g.prefix ?? []) : null;
    return { loss: fwd.loss, targets: fwd.targets, grad };
  }

  async scoreRows(batch: TokenBatch, extras: ExtraInputs): Promise<Float64Array> {
    return referenceForward(this.config, this.weights, batch, extras).rowLogProb;
  }

  async lastLogits(batch: TokenBatch, extras: ExtraInputs): Promise<Float32Array> {
    // Only B rows of the head are needed, not all B·S: read them off the final-norm output on the tape.
    const { tape } = referenceForward(this.config, this.weights, batch, extras);
    const { vocabSize: V, hidden: C } = this.config;
    const { S, Pv } = tape;
    const out = new Float32Array(batch.rows * V);
    for (let b = 0; b < batch.rows; b++) {
      let last = Pv - 1; // a row with no real token falls back to the last virtual token (or position 0)
      for (let t = 0; t < batch.columns; t++) if (batch.attentionMask[b * batch.columns + t]) last = Pv + t;
      const pos = b * S + Math.max(0, last);
      out.set(linearForward(tape.hf.subarray(pos * C, (pos + 1) * C), 1, C, this.weights.lmHead.data, V), b * V);
    }
    return out;
  }

  generate(prompt: readonly number[], extras: ExtraInputs, options: GenerateOptions): Promise<Generation> {
    return this.generations.run(() => runGeneration(this.kvDecoder(), prompt, extras, options));
  }

  promptCache(extras: ExtraInputs): Promise<PromptCache> {
    return this.generations.run(() => promptCache(this.kvDecoder(), this.config, extras));
  }

  private kvDecoder(): ReferenceKvDecoder {
    return (this.decoder ??= new ReferenceKvDecoder(this.config, this.weights));
  }

  dispose(): void {}
}
