// What a family loader sees of a checkpoint: named tensors, each fetched with the shape config.json implies.
import type { Tensor } from '../weights.ts';

/** A checkpoint that does not fit its config.json: a tensor missing or of the wrong shape. */
export class WeightLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightLoadError';
  }
}

/** Named checkpoint tensors with shape checks; errors name the tensor and say what to do. */
export interface TensorSource {
  has(name: string): boolean;
  get(name: string, shape: number[]): Tensor;
}

export function tensorSource(label: string, lookup: (name: string) => Tensor | undefined, names: string[]): TensorSource {
  const known = new Set(names);
  return {
    has: (name) => known.has(name),
    get(name, shape) {
      const t = known.has(name) ? lookup(name) : undefined;
      if (!t)
        throw new WeightLoadError(
          `${label}: tensor ${name} is missing from the checkpoint (expected shape [${shape.join(', ')}]); ` +
            'is this the right model folder for this config.json, and is the download complete?',
        );
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
        throw new WeightLoadError(
          `${label}: tensor ${name} has shape [${t.shape.join(', ')}] but config.json implies [${shape.join(', ')}]; ` +
            'the weights and config.json do not belong together',
        );
      // A streamed tensor (io/host-tensor.ts) knows its size before its bytes arrive.
      const count = (t as { size?: number }).size ?? t.data.length;
      if (count !== shape.reduce((a, d) => a * d, 1))
        throw new WeightLoadError(`${label}: tensor ${name} holds ${count} values, not the ${shape.join('×')} its shape says`);
      return t;
    },
  };
}
