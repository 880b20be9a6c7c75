// From a folder of Hugging Face files to a config and canonical weights: config.json → ModelConfig,
// model.safetensors (or the shards listed by model.safetensors.index.json) → ModelWeights.
import { parseModelConfig, type ModelConfig } from '../model/config.ts';
import type { ModelWeights } from '../model/weights.ts';
import { loadWeights } from '../model/load-weights.ts';
import { parseSafetensors, type SafetensorsFile } from './safetensors.ts';
import { mergeShards, parseShardIndex, SHARD_INDEX_FILE, type MergedTensors, type ShardIndex } from './sharded.ts';
import type { FileOrigin, ModelFiles } from './model-files.ts';
import { openSafetensorsStream, type SafetensorsStream } from './safetensors-stream.ts';
import { HostTensor, PendingDataError } from './host-tensor.ts';
import type { Tensor } from '../model/weights.ts';

export interface LoadedModel {
  config: ModelConfig;
  weights: ModelWeights;
  rawConfig: Record<string, unknown>;
  /** Bytes of weight data read (for the UI's memory estimate). */
  weightBytes: number;
  /** The checkpoint stores weights as F16 or BF16 (the studio then keeps them as halves on the GPU too). */
  halfPrecision: boolean;
  /** Where the weight files came from (the last shard's origin when they differ). */
  origin: FileOrigin | null;
  /** Each weight file's size in bytes (streaming loads). */
  fileSizes?: number[];
  /**
   * Streaming loads only: the weights' bytes have not been read yet. `weights` holds PendingTensors (shapes
   * only); the caller allocates GPU buffers from them, then this reads every shard once, handing each tensor the
   * model uses to `upload` and dropping it from the host afterwards unless `keep` says otherwise (the token
   * embeddings stay, as halves, for vocabulary init and nearest-token read-outs). Call it once.
   */
  streamWeights?: (upload: (t: HostTensor) => void, keep: (t: HostTensor) => boolean) => Promise<void>;
}

/** The largest single file of the checkpoint (bytes): the loader's own peak memory is bounded by it. */
export function largestFile(loaded: Pick<LoadedModel, 'weightBytes' | 'fileSizes'>): number {
  return Math.max(0, ...(loaded.fileSizes ?? [loaded.weightBytes]));
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

export interface LoadOptions {
  /**
   * Stream the weights (sources with `open`): headers first, bytes later through `streamWeights`. Otherwise every
   * tensor is read before returning (kept as its checkpoint's halves on the host, widened on access).
   */
  stream?: boolean;
}

export async function loadModel(files: ModelFiles, onStatus?: (message: string) => void, options: LoadOptions = {}): Promise<LoadedModel> {
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
  if (files.open) return streamModel(files, config, rawConfig, shardNames, index, Boolean(options.stream), onStatus);
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
  return { config, weights, rawConfig, weightBytes, halfPrecision, origin: null };
}

const wrap = (label: string, e: unknown) => new Error(`${label}: ${(e as Error).message}`, { cause: e });

/** Headers of every shard, then either the bytes on demand (`stream`) or all of them now, one tensor at a time. */
async function streamModel(
  files: ModelFiles,
  config: LoadedModel['config'],
  rawConfig: Record<string, unknown>,
  shardNames: string[],
  index: ShardIndex | undefined,
  stream: boolean,
  onStatus?: (message: string) => void,
): Promise<LoadedModel> {
  const open = files.open!.bind(files);
  const streams: { name: string; st: SafetensorsStream; size: number | null }[] = [];
  let origin: FileOrigin | null = null;
  const closeAll = () => Promise.all(streams.map((s) => s.st.cancel()));
  const tensors = new Map<string, HostTensor>();
  try {
    for (const [i, shard] of shardNames.entries()) {
      onStatus?.(`reading ${shard} (${i + 1}/${shardNames.length})`);
      let f;
      try {
        f = await open(shard);
      } catch (e) {
        if (index && (e as Error).name === 'MissingFileError')
          throw new Error(`${files.label}: shard ${shard} (listed in ${SHARD_INDEX_FILE}) is missing: ${(e as Error).message}`, { cause: e });
        throw e;
      }
      origin = f.origin;
      try {
        streams.push({ name: shard, st: await openSafetensorsStream(f.body, f.size), size: f.size });
      } catch (e) {
        throw wrap(`${files.label}/${shard}`, e);
      }
    }
    // One lookup over the shards' headers (duplicates and index consistency checked as for whole files).
    const headerOnly: Record<string, SafetensorsFile> = {};
    for (const { name, st } of streams) {
      headerOnly[name] = {
        header: st.header,
        metadata: st.metadata,
        names: () => Object.keys(st.header),
        shape: (n) => [...st.header[n].shape],
        tensor: (n) => {
          let t = tensors.get(n);
          if (!t) tensors.set(n, (t = new HostTensor(n, [...st.header[n].shape], st.header[n].dtype)));
          return t;
        },
      };
    }
    let merged: MergedTensors;
    try {
      merged = mergeShards(headerOnly, index);
    } catch (e) {
      throw wrap(files.label, e);
    }
    const halfPrecision = streams.some((s) => Object.values(s.st.header).some((e) => e.dtype !== 'F32'));
    const weightBytes = streams.reduce((a, s) => a + (s.size ?? 0), 0);
    const fileSizes = streams.map((s) => s.size ?? 0);
    const used = new Set<HostTensor>();
    const lookup = (n: string): Tensor | undefined => {
      const t = merged.lookup(n) as HostTensor | undefined;
      if (t) used.add(t);
      return t;
    };
    const readAll = async (upload: ((t: HostTensor) => void) | null, keep: (t: HostTensor) => boolean, want: (n: string) => boolean) => {
      for (const [i, { name, st, size }] of streams.entries()) {
        onStatus?.(`${upload ? 'uploading' : 'reading'} ${name} (${i + 1}/${streams.length}${size ? `, ${(size / 2 ** 20).toFixed(0)} MiB` : ''})`);
        try {
          await st.tensors(
            want,
            (n, _entry, bytes) => {
              const t = tensors.get(n) ?? new HostTensor(n, [..._entry.shape], _entry.dtype);
              tensors.set(n, t);
              t.fill(bytes);
              if (upload) {
                upload(t);
                if (!keep(t)) t.release();
              }
            },
          );
        } catch (e) {
          throw wrap(`${files.label}/${name}`, e);
        }
      }
    };
    // Tensors the model uses (Qwen3-0.6B's stored copy of its tied head is not): the rest are skipped unread.
    const isUsed = (n: string) => {
      const t = tensors.get(n);
      return t !== undefined && used.has(t);
    };
    let weights;
    let streamWeights: LoadedModel['streamWeights'];
    try {
      onStatus?.('arranging weights');
      weights = loadWeights(config, lookup, merged.names, files.label);
      if (stream) {
        let called = false;
        streamWeights = async (upload, keep) => {
          if (called) throw new Error('streamWeights runs once');
          called = true;
          try {
            await readAll(upload, keep, isUsed);
          } finally {
            await closeAll();
          }
        };
      } else {
        await readAll(null, () => true, isUsed);
        await closeAll();
      }
    } catch (e) {
      if (!(e instanceof PendingDataError)) throw e;
      // The family loader transforms tensors at load: read every tensor first (halves on the host), then arrange.
      await readAll(null, () => true, () => true);
      await closeAll();
      onStatus?.('arranging weights');
      weights = loadWeights(config, lookup, merged.names, files.label);
      streamWeights = undefined;
    }
    return { config, weights, rawConfig, weightBytes, halfPrecision, origin, streamWeights, fileSizes };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
