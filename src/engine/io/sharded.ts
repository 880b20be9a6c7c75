// Sharded checkpoints: `model.safetensors.index.json` ({"metadata": {...}, "weight_map": {tensor: shard file}})
// names the shard files; after each shard is parsed, one name → tensor lookup spans them all. Tensors are
// widened lazily, on lookup, so a loader that reads each tensor once never holds two f32 copies of the model.
import type { Tensor } from '../model/weights.ts';
import { SafetensorsError, type SafetensorsFile } from './safetensors.ts';

export const SHARD_INDEX_FILE = 'model.safetensors.index.json';

export interface ShardIndex {
  weightMap: Record<string, string>; // tensor name → shard file name
  shards: string[]; // distinct shard file names, sorted
  metadata: Record<string, unknown>;
}

/** Validates a parsed `model.safetensors.index.json`. Shard names must be plain file names (no paths). */
export function parseShardIndex(raw: unknown): ShardIndex {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new SafetensorsError(`${SHARD_INDEX_FILE} is not a JSON object; download it again`);
  const { weight_map: map, metadata } = raw as { weight_map?: unknown; metadata?: unknown };
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new SafetensorsError(`${SHARD_INDEX_FILE} has no "weight_map" object; download it again`);
  const weightMap: Record<string, string> = {};
  for (const [name, file] of Object.entries(map as Record<string, unknown>)) {
    if (typeof file !== 'string' || !file.endsWith('.safetensors') || file.includes('/') || file.includes('\\') || file.startsWith('.'))
      throw new SafetensorsError(`${SHARD_INDEX_FILE}: tensor ${name} maps to ${JSON.stringify(file)}, not a .safetensors file name`);
    weightMap[name] = file;
  }
  if (Object.keys(weightMap).length === 0) throw new SafetensorsError(`${SHARD_INDEX_FILE}: weight_map is empty`);
  const meta = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  return { weightMap, shards: [...new Set(Object.values(weightMap))].sort(), metadata: meta };
}

export interface MergedTensors {
  names: string[];
  /** The tensor widened to f32, or undefined when no shard has it. */
  lookup(name: string): Tensor | undefined;
}

/**
 * One lookup over several parsed shards (file name → parsed file). A tensor held by two shards is an error;
 * with an index, every tensor it lists must be in the shard it names.
 */
export function mergeShards(shards: Record<string, SafetensorsFile>, index?: ShardIndex): MergedTensors {
  const owner = new Map<string, SafetensorsFile>();
  const ownerName = new Map<string, string>();
  for (const file of Object.keys(shards).sort()) {
    for (const name of shards[file].names()) {
      const prev = ownerName.get(name);
      if (prev !== undefined) throw new SafetensorsError(`tensor ${name} is in both ${prev} and ${file}; the checkpoint is inconsistent`);
      owner.set(name, shards[file]);
      ownerName.set(name, file);
    }
  }
  if (index) {
    for (const [name, file] of Object.entries(index.weightMap)) {
      if (!(file in shards)) throw new SafetensorsError(`shard ${file} (listed in ${SHARD_INDEX_FILE} for ${name}) was not read; download it`);
      if (ownerName.get(name) !== file)
        throw new SafetensorsError(
          `${SHARD_INDEX_FILE} puts tensor ${name} in ${file}, but ` +
            (ownerName.has(name) ? `it is in ${ownerName.get(name)}` : 'no shard has it') +
            '; the shard may be truncated or from another revision, download it again',
        );
    }
  }
  return {
    names: [...owner.keys()],
    lookup: (name) => owner.get(name)?.tensor(name),
  };
}
