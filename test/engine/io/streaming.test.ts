// Streaming loads against the local Hub (tools/real-shapes/local-hub.ts) on a small checkpoint written here in the
// Hub's layout: 302 to the CDN path, byte ranges, a dropped connection resumed from the byte it reached, a
// sharded checkpoint whose missing shard is named, and tensors identical to reading the whole file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalHub, type LocalHub } from '../../../tools/real-shapes/local-hub.ts';
import { hubModelFiles, type DownloadProgress } from '../../../src/engine/io/model-files.ts';
import { loadModel } from '../../../src/engine/io/load-model.ts';
import { parseSafetensors, writeSafetensors } from '../../../src/engine/io/safetensors.ts';
import { openSafetensorsStream } from '../../../src/engine/io/safetensors-stream.ts';
import { HostTensor } from '../../../src/engine/io/host-tensor.ts';

const config = {
  model_type: 'llama', vocab_size: 64, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 4,
  num_key_value_heads: 2, max_position_embeddings: 64, rms_norm_eps: 1e-5, tie_word_embeddings: true,
};

function tensors(): Record<string, { shape: number[]; data: Float32Array }> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  let s = 1;
  const t = (name: string, shape: number[]) => {
    const n = shape.reduce((a, d) => a * d, 1);
    out[name] = { shape, data: Float32Array.from({ length: n }, () => ((s = (s * 48271) % 2147483647) / 2147483647 - 0.5) * 0.1) };
  };
  t('model.embed_tokens.weight', [64, 16]);
  for (let l = 0; l < 2; l++) {
    const p = `model.layers.${l}.`;
    t(`${p}self_attn.q_proj.weight`, [16, 16]);
    t(`${p}self_attn.k_proj.weight`, [8, 16]);
    t(`${p}self_attn.v_proj.weight`, [8, 16]);
    t(`${p}self_attn.o_proj.weight`, [16, 16]);
    t(`${p}mlp.gate_proj.weight`, [32, 16]);
    t(`${p}mlp.up_proj.weight`, [32, 16]);
    t(`${p}mlp.down_proj.weight`, [16, 32]);
    t(`${p}input_layernorm.weight`, [16]);
    t(`${p}post_attention_layernorm.weight`, [16]);
  }
  t('model.norm.weight', [16]);
  return out;
}

let root: string;
let hub: LocalHub;
const all = tensors();
const whole = writeSafetensors(all);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'local-hub-'));
  const one = join(root, 'test', 'tiny');
  mkdirSync(one, { recursive: true });
  writeFileSync(join(one, 'config.json'), JSON.stringify(config));
  writeFileSync(join(one, 'model.safetensors'), whole);
  // Two shards and an index, then the second shard removed in another folder.
  const names = Object.keys(all).sort();
  const half = Math.floor(names.length / 2);
  const shards = { 'model-00001-of-00002.safetensors': names.slice(0, half), 'model-00002-of-00002.safetensors': names.slice(half) };
  for (const dir of ['sharded', 'broken']) {
    const d = join(root, 'test', dir);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'config.json'), JSON.stringify(config));
    const weightMap: Record<string, string> = {};
    for (const [file, ns] of Object.entries(shards)) {
      for (const n of ns) weightMap[n] = file;
      if (dir === 'broken' && file.startsWith('model-00002')) continue;
      writeFileSync(join(d, file), writeSafetensors(Object.fromEntries(ns.map((n) => [n, all[n]]))));
    }
    writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  }
  hub = await startLocalHub({ root, dropOnce: 3000 });
});

afterAll(async () => {
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('local Hub', () => {
  it('redirects weights to the CDN path with their size, serves ranges, and answers a missing file with 404', async () => {
    const res = await fetch(`${hub.url}/test/tiny/resolve/main/model.safetensors`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/cdn-lfs/test/tiny/model.safetensors');
    expect(Number(res.headers.get('x-linked-size'))).toBe(whole.byteLength);
    const ranged = await fetch(`${hub.url}/cdn-lfs/test/tiny/model.safetensors`, { headers: { range: 'bytes=8-15' } });
    expect(ranged.status).toBe(206);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(whole.subarray(8, 16));
    const missing = await fetch(`${hub.url}/test/tiny/resolve/main/nope.json`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-error-code')).toBe('EntryNotFound');
  });
});

describe('streaming loads', () => {
  it('reads every tensor from the stream exactly as from the whole file', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < whole.byteLength; i += 777) c.enqueue(whole.slice(i, i + 777)); // chunks across tensor borders
        c.close();
      },
    });
    const st = await openSafetensorsStream(chunks, whole.byteLength);
    const file = parseSafetensors(whole);
    const seen: string[] = [];
    await st.tensors(
      () => true,
      (name, entry, bytes) => {
        const t = new HostTensor(name, entry.shape, entry.dtype);
        t.fill(bytes);
        expect(t.data).toEqual(file.tensor(name).data);
        seen.push(name);
      },
    );
    expect(seen.sort()).toEqual(file.names().sort());
  });

  it('a dropped connection resumes from the byte it reached and says so; the model matches the whole file', async () => {
    const notes: string[] = [];
    const progress: DownloadProgress[] = [];
    const files = hubModelFiles('test/tiny', 'main', (p) => (progress.push(p), p.note && notes.push(p.note)), hub.url);
    const loaded = await loadModel(files, undefined, { stream: false });
    expect(notes.some((n) => /connection dropped .* at 3000 bytes.*resuming/.test(n))).toBe(true);
    expect(hub.log.some((l) => l.startsWith('GET /cdn-lfs/test/tiny/model.safetensors 206'))).toBe(true);
    expect(loaded.origin).toBe('hub');
    expect(progress.filter((p) => p.file === 'model.safetensors').at(-1)?.loaded).toBe(whole.byteLength);
    expect(loaded.weights.layers[1].down.weight.data).toEqual(parseSafetensors(whole).tensor('model.layers.1.mlp.down_proj.weight').data);
  });

  it('streams shards into an upload callback, keeping only what it is told to keep', async () => {
    const loaded = await loadModel(hubModelFiles('test/sharded', 'main', undefined, hub.url), undefined, { stream: true });
    expect(loaded.streamWeights).toBeDefined();
    expect(() => loaded.weights.layers[0].q.weight.data).toThrow(/only after the GPU buffers exist/);
    const uploaded = new Map<string, Float32Array>();
    await loaded.streamWeights!((t) => uploaded.set(t.name, t.data.slice()), (t) => t === loaded.weights.embed);
    expect(uploaded.size).toBe(Object.keys(all).length);
    for (const [name, data] of uploaded) expect(data).toEqual(all[name].data);
    expect(loaded.weights.embed.data).toEqual(all['model.embed_tokens.weight'].data);
    expect(() => loaded.weights.layers[0].q.weight.data).toThrow(/streamed to the GPU/);
  });

  it('names a missing shard', async () => {
    await expect(loadModel(hubModelFiles('test/broken', 'main', undefined, hub.url), undefined, { stream: true })).rejects.toThrow(
      /shard model-00002-of-00002\.safetensors \(listed in model\.safetensors\.index\.json\) is missing/,
    );
  });
});
