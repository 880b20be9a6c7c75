// From a folder of Hugging Face files to a config and canonical weights: config.json → ModelConfig,
// model.safetensors (or the shards listed by model.safetensors.index.json) → ModelWeights.
import { parseModelConfig, type ModelConfig } from '../model/config.ts';
import type { ModelWeights } from '../model/weights.ts';
import { loadWeights } from '../model/load-weights.ts';
import { parseSafetensors, type SafetensorsFile } from './safetensors.ts';
import { mergeShards, parseShardIndex, SHARD_INDEX_FILE, type MergedTensors, type ShardIndex } from './sharded.ts';
import type { ModelFiles } from './model-files.ts';

export interface LoadedModel {
  config: ModelConfig;
  weights: ModelWeights;
  rawConfig: Record<string, unknown>;
  /** Bytes of weight data read (for the UI's memory estimate). */
  weightBytes: number;
  /** The checkpoint stores weights as F16 or BF16 (the studio then keeps them as halves on the GPU too). */
  halfPrecision: boolean;
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
  let index: ShardIndex | undefined;
  if (await files.has('model.safetensors')) shardNames = ['model.safetensors'];
  else if (await files.has(SHARD_INDEX_FILE)) {
    const rawIndex = await readJson(files, SHARD_INDEX_FILE);
    try {
      index = parseShardIndex(rawIndex);
    } catch (e) {
      throw new Error(`${files.label}: ${(e as Error).message}`, { cause: e });
    }
    shardNames = index.shards;
  } else {
    throw new Error(
      `${files.label}: no model.safetensors or ${SHARD_INDEX_FILE}. ` +
        'The studio reads safetensors checkpoints only (PyTorch .bin files are not supported).',
    );
  }
  const shards: Record<string, SafetensorsFile> = {};
  let weightBytes = 0;
  for (const [i, shard] of shardNames.entries()) {
    onStatus?.(`reading ${shard} (${i + 1}/${shardNames.length})`);
    const bytes = await files.read(shard);
    weightBytes += bytes.byteLength;
    try {
      shards[shard] = parseSafetensors(bytes);
    } catch (e) {
      throw new Error(`${files.label}/${shard}: ${(e as Error).message}`, { cause: e });
    }
  }
  let tensors: MergedTensors;
  try {
    tensors = mergeShards(shards, index);
  } catch (e) {
    throw new Error(`${files.label}: ${(e as Error).message}`, { cause: e });
  }
  onStatus?.('arranging weights');
  const weights = loadWeights(config, tensors.lookup, tensors.names, files.label);
  const halfPrecision = Object.values(shards).some((f) => Object.values(f.header).some((e) => e.dtype !== 'F32'));
  return { config, weights, rawConfig, weightBytes, halfPrecision };
}
