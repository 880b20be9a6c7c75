// The trained prompt as a key/value cache file, `kv-cache.safetensors`, for runtimes that take `past_key_values`
// but not input embeddings: transformers.js's generate() (onnxruntime-web in a page), transformers in Python.
// Tensors are named as transformers.js's ONNX decoders name their cache inputs, `past_key_values.{layer}.key` and
// `.value`, each [1, KVH, P, hd] (batch, kv heads, positions, head dim); keys are stored after RoPE (and the key
// norm where the family has one), exactly what the model's own cache would hold after reading the virtual tokens,
// so the text that follows takes positions P, P+1, ... and the attention mask must cover the P cached positions.
// The keys sit at positions 0..P-1, as transformers and this studio count. A runtime that counts from 1
// (transformers.js for Gemma 3) must turn them on by one position: `rope` in the metadata gives each layer's RoPE
// frequencies for that (the snippet does it).
// `__metadata__` says which checkpoint the cache belongs to; the reader (use-with-transformers-js.mjs, the one users
// get) checks it against a model's shape, since a cache from another checkpoint gives garbage, not an error.
// Letters: L layers, P virtual tokens, KVH kv heads, hd head dim.
import { ropeInvFreq, usesLocalRope, type ModelConfig } from '../../engine/model/config.ts';
import type { PromptCache } from '../../engine/model/generate.ts';
import { writeSafetensors } from '../../engine/io/safetensors.ts';

export const KV_CACHE_FILE = 'kv-cache.safetensors';
/** The ES module that loads the cache into transformers.js and generates with it (use-with-transformers-js.mjs). */
export const SNIPPET_FILE = 'use-with-transformers-js.mjs';
export const KV_CACHE_FORMAT = 'soft-prompt-studio/kv-cache@1';

export const keyName = (layer: number) => `past_key_values.${layer}.key`;
export const valueName = (layer: number) => `past_key_values.${layer}.value`;

/** What the file's `__metadata__` holds (safetensors metadata is string → string; numbers are written as text). */
export interface KvCacheMeta {
  format: typeof KV_CACHE_FORMAT;
  model_id: string; // the Hub id (or the demo model's name)
  revision: string;
  model_type: string; // the model family (config.json's model_type: llama, qwen2, qwen3, gemma3_text, gpt2)
  method: string; // prompt | p-tuning | prefix
  num_virtual_tokens: number; // P
  num_hidden_layers: number; // L
  num_key_value_heads: number; // KVH
  head_dim: number; // hd
  dtype: 'float32';
  /** How the text after the cache is built: row_format.json's recipe (template, special tokens, answer end). */
  row_format: string;
  /** RoPE models: JSON `{ inv_freq: number[][], layer_table: number[] }`, layer l's inverse frequencies (hd/2) are
   *  `inv_freq[layer_table[l]]` (Gemma 3: local and global tables); empty for learned positions (GPT-2). */
  rope: string;
}

/** Each layer's RoPE inverse frequencies, as the engine applies them (one table, or Gemma 3's local and global). */
function ropeMeta(cfg: ModelConfig): string {
  if (cfg.positions !== 'rope') return '';
  const tables = [Array.from(ropeInvFreq(cfg))];
  if (cfg.localRopeTheta !== null) tables.push(Array.from(ropeInvFreq(cfg, true)));
  const layerTable = Array.from({ length: cfg.layers }, (_, l) => (usesLocalRope(cfg, l) ? 1 : 0));
  return JSON.stringify({ inv_freq: tables, layer_table: layerTable });
}

/** Splits a model label `id@revision` (Hub) into its parts; other labels (the demo model, a folder) keep `main`. */
export function modelIdAndRevision(label: string): { id: string; revision: string } {
  const at = label.lastIndexOf('@');
  return at > 0 ? { id: label.slice(0, at), revision: label.slice(at + 1) } : { id: label, revision: 'main' };
}

/** (P, KVH·hd) position-major → [1, KVH, P, hd] head-major, as the runtimes' caches lay it out. */
function headMajor(rows: Float32Array, P: number, KVH: number, hd: number): Float32Array {
  const out = new Float32Array(P * KVH * hd);
  for (let p = 0; p < P; p++) for (let h = 0; h < KVH; h++) out.set(rows.subarray((p * KVH + h) * hd, (p * KVH + h + 1) * hd), (h * P + p) * hd);
  return out;
}

export function buildKvCacheFile(cache: PromptCache, cfg: ModelConfig, about: { modelLabel: string; method: string; rowFormat: object | null }): Uint8Array {
  const { kvHeads: KVH, headDim: hd, layers: L } = cfg;
  const P = cache.positions;
  const shape = [1, KVH, P, hd];
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (let l = 0; l < L; l++) {
    tensors[keyName(l)] = { shape, data: headMajor(cache.keys[l], P, KVH, hd) };
    tensors[valueName(l)] = { shape, data: headMajor(cache.values[l], P, KVH, hd) };
  }
  const { id, revision } = modelIdAndRevision(about.modelLabel);
  const meta: Record<keyof KvCacheMeta, string> = {
    format: KV_CACHE_FORMAT,
    model_id: id,
    revision,
    model_type: cfg.family,
    method: about.method,
    num_virtual_tokens: String(P),
    num_hidden_layers: String(L),
    num_key_value_heads: String(KVH),
    head_dim: String(hd),
    dtype: 'float32',
    row_format: JSON.stringify(about.rowFormat ?? {}),
    rope: ropeMeta(cfg),
  };
  return writeSafetensors(tensors, meta);
}
