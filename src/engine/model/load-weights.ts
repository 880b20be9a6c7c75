// Checkpoint tensors → canonical ModelWeights (weights.ts). Each family's Hub naming lives in its own file
// under families/; this registry is the one place a new family is added.
import type { ModelConfig, ModelFamily } from './config.ts';
import type { ModelWeights, Tensor } from './weights.ts';
import { loadGpt2 } from './families/gpt2.ts';
import { loadLlama } from './families/llama.ts';
import { loadGemma3 } from './families/gemma3.ts';
import { tensorSource, type TensorSource } from './families/source.ts';

export { WeightLoadError } from './families/source.ts';

const FAMILY_LOADERS: Record<ModelFamily, (cfg: ModelConfig, src: TensorSource) => ModelWeights> = {
  gpt2: loadGpt2,
  llama: loadLlama, // Llama, Qwen2 and Qwen3 share names; config flags pick biases and q/k norm
  qwen2: loadLlama,
  qwen3: loadLlama,
  gemma3: loadGemma3,
};

/**
 * Maps a checkpoint's tensors (by HF name) to the canonical layout, checking every shape against `cfg`.
 * Throws WeightLoadError naming the tensor when one is missing or mis-shaped. `label` prefixes messages.
 */
export function loadWeights(cfg: ModelConfig, lookup: (name: string) => Tensor | undefined, names: string[], label = 'model'): ModelWeights {
  return FAMILY_LOADERS[cfg.family](cfg, tensorSource(label, lookup, names));
}
