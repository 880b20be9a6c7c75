// From a folder of Hugging Face files to a config and canonical weights: config.json → ModelConfig,
// model.safetensors (or the shards listed by model.safetensors.index.json) → ModelWeights.
import { parseModelConfig, type ModelConfig } from '../model/config.ts';
import type { ModelWeights, Tensor } from '../model/weights.ts';
import { loadWeights } from '../model/load-weights.ts';
import { parseSafetensors } from './safetensors.ts';
import type { ModelFiles } from './model-files.ts';

export interface LoadedModel {
  config: ModelConfig;
  weights: ModelWeights;
  rawConfig: Record<string, unknown>;
  /** Bytes of weight data read (for the UI's memory estimate). */
  weightBytes: number;
}

export async function readJson(files: ModelFiles, name: string): Promise<Record<string, unknown>> {
  const text = new TextDecoder().decode(await files.read(name));
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    const hint = text.trimStart().startsWith('<') ? ' (the server answered with an HTML page: is the path right?)' : '';
    throw new Error(`${files.label}: ${name} is not valid JSON${hint}: ${(e as Error).message}`, { cause: e });
  }
}

export async function loadModel(files: ModelFiles, onStatus?: (message: string) => void): Promise<LoadedModel> {
  onStatus?.('reading config.json');
  const rawConfig = await readJson(files, 'config.json');
  const config = parseModelConfig(rawConfig);
  let shardNames: string[];
  if (await files.has('model.safetensors')) shardNames = ['model.safetensors'];
  else if (await files.has('model.safetensors.index.json')) {
    const index = await readJson(files, 'model.safetensors.index.json');
    const map = index.weight_map;
    if (typeof map !== 'object' || map === null)
      throw new Error(`${files.label}: model.safetensors.index.json has no weight_map`);
    shardNames = [...new Set(Object.values(map as Record<string, string>))].sort();
  } else {
    throw new Error(
      `${files.label}: no model.safetensors or model.safetensors.index.json. ` +
        'The studio reads safetensors checkpoints only (PyTorch .bin files are not supported).',
    );
  }
  const tensors = new Map<string, () => Tensor>();
  let weightBytes = 0;
  for (const [i, shard] of shardNames.entries()) {
    onStatus?.(`reading ${shard} (${i + 1}/${shardNames.length})`);
    const bytes = await files.read(shard);
    weightBytes += bytes.byteLength;
    let file;
    try {
      file = parseSafetensors(bytes);
    } catch (e) {
      throw new Error(`${files.label}/${shard}: ${(e as Error).message}`, { cause: e });
    }
    for (const name of file.names()) tensors.set(name, () => file.tensor(name));
  }
  onStatus?.('arranging weights');
  const weights = loadWeights(config, (name) => tensors.get(name)?.(), [...tensors.keys()]);
  return { config, weights, rawConfig, weightBytes };
}
