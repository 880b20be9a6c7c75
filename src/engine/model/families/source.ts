import type { Tensor } from '../weights.ts';

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
      if (!t) throw new Error(`${label}: tensor ${name} is missing from the checkpoint; is this the right model folder, and is the download complete?`);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
        throw new Error(`${label}: tensor ${name} has shape [${t.shape.join(', ')}] but config.json implies [${shape.join(', ')}]`);
      return t;
    },
  };
}
