// Checkpoint tensors → canonical ModelWeights, by family (one file per family under families/).
import type { ModelConfig, ModelFamily } from './config.ts';
import type { ModelWeights, Tensor } from './weights.ts';
import { loadGpt2 } from './families/gpt2.ts';
import { loadLlama } from './families/llama.ts';
import { tensorSource, type TensorSource } from './families/source.ts';

const FAMILY_LOADERS: Record<ModelFamily, (cfg: ModelConfig, src: TensorSource) => ModelWeights> = {
  gpt2: loadGpt2,
  llama: loadLlama,
  qwen2: loadLlama,
  qwen3: loadLlama,
};

export function loadWeights(cfg: ModelConfig, lookup: (name: string) => Tensor | undefined, names: string[], label = 'model'): ModelWeights {
  return FAMILY_LOADERS[cfg.family](cfg, tensorSource(label, lookup, names));
}
