import { describe, expect, it } from 'vitest';
import { parseSafetensors, SafetensorsError, writeSafetensors } from '../../../src/engine/io/safetensors.ts';
import { mergeShards, parseShardIndex } from '../../../src/engine/io/sharded.ts';

const shard = (tensors: Record<string, number[]>) =>
  parseSafetensors(writeSafetensors(Object.fromEntries(Object.entries(tensors).map(([n, v]) => [n, { shape: [v.length], data: Float32Array.from(v) }]))));

describe('sharded checkpoints', () => {
  const index = {
    metadata: { total_size: 20 },
    weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors', 'c.bias': 'model-00001-of-00002.safetensors' },
  };

  it('lists the distinct shard files of an index, sorted', () => {
    const idx = parseShardIndex(index);
    expect(idx.shards).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(idx.weightMap['b.weight']).toBe('model-00002-of-00002.safetensors');
    expect(idx.metadata).toEqual({ total_size: 20 });
  });

  it('rejects malformed indexes with the reason', () => {
    expect(() => parseShardIndex([])).toThrow(/not a JSON object/);
    expect(() => parseShardIndex({ metadata: {} })).toThrow(/no "weight_map"/);
    expect(() => parseShardIndex({ weight_map: {} })).toThrow(/empty/);
    expect(() => parseShardIndex({ weight_map: { a: 3 } })).toThrow(/tensor a maps to 3/);
    expect(() => parseShardIndex({ weight_map: { a: '../../etc/x.safetensors' } })).toThrow(SafetensorsError);
  });

  it('merges shards into one lookup that returns each tensor from its own shard', () => {
    const shards = {
      'model-00001-of-00002.safetensors': shard({ 'a.weight': [1, 2], 'c.bias': [5] }),
      'model-00002-of-00002.safetensors': shard({ 'b.weight': [3, 4] }),
    };
    const merged = mergeShards(shards, parseShardIndex(index));
    expect(merged.names.sort()).toEqual(['a.weight', 'b.weight', 'c.bias']);
    expect([...merged.lookup('b.weight')!.data]).toEqual([3, 4]);
    expect([...merged.lookup('c.bias')!.data]).toEqual([5]);
    expect(merged.lookup('nope')).toBeUndefined();
  });

  it('reports a tensor in two shards, a tensor in the wrong shard, and a shard not read', () => {
    const one = shard({ 'a.weight': [1, 2], 'c.bias': [5] });
    expect(() => mergeShards({ 'x.safetensors': one, 'y.safetensors': one })).toThrow(/a\.weight is in both x\.safetensors and y\.safetensors/);
    expect(() =>
      mergeShards({ 'model-00001-of-00002.safetensors': one, 'model-00002-of-00002.safetensors': shard({ 'z.weight': [0] }) }, parseShardIndex(index)),
    ).toThrow(/puts tensor b\.weight in model-00002-of-00002\.safetensors, but no shard has it/);
    expect(() => mergeShards({ 'model-00001-of-00002.safetensors': one }, parseShardIndex(index))).toThrow(/shard model-00002-of-00002\.safetensors .* was not read/);
  });
});
