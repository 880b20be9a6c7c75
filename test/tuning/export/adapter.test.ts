import { describe, expect, it } from 'vitest';
import { unzipSync, zipSync, strFromU8, strToU8 } from 'fflate';
import { defaultGoldenDir, listGoldenCases, loadGoldenCase, type GoldenCase } from '../../../cli/golden-case.ts';
import { parseSafetensors, writeSafetensors } from '../../../src/engine/io/safetensors.ts';
import type { Tensor } from '../../../src/engine/model/weights.ts';
import { peftConfig } from '../../../src/tuning/export/peft-config.ts';
import { adapterSummary, buildAdapterFiles, readAdapter, zipAdapter, AdapterError } from '../../../src/tuning/export/adapter.ts';

const cases = new Map<string, GoldenCase>();
for (const dir of listGoldenCases(defaultGoldenDir())) {
  const c = await loadGoldenCase(dir);
  cases.set(c.name, c);
}
const get = (name: string) => cases.get(name)!;

/** The golden case's trainable table as an export would hand it over, with its PEFT config. */
function exportOf(c: GoldenCase) {
  const P = c.caseJson.num_virtual_tokens;
  const data = (c.extras.promptEmbeds ?? c.extras.prefix)!;
  const table: Tensor = { shape: [P, data.length / P], data };
  const options = c.caseJson.method === 'prompt'
    ? { method: 'prompt' as const, virtualTokens: P, init: 'random' as const, initText: '' }
    : { method: 'prefix' as const, virtualTokens: P, projection: false, encoderHidden: 0 };
  return { table, config: peftConfig(c.cfg, options, { baseModel: `test/${c.name}` }) };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('PEFT adapter export → import', () => {
  for (const name of cases.keys()) {
    it(`${name}: identical tensor and config, both files at the zip root`, () => {
      const c = get(name);
      const { table, config } = exportOf(c);
      const zip = zipAdapter(buildAdapterFiles(table, config));
      const entries = unzipSync(zip);
      expect(Object.keys(entries).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
      // The weights file holds exactly one F32 tensor named prompt_embeddings, (P, width).
      const st = parseSafetensors(entries['adapter_model.safetensors']);
      expect(st.names()).toEqual(['prompt_embeddings']);
      expect(st.shape('prompt_embeddings')).toEqual(c.caseJson.method === 'prompt' ? [table.shape[0], c.cfg.hidden] : [table.shape[0], c.cfg.layers * 2 * c.cfg.kvHeads * c.cfg.headDim]);
      expect(JSON.parse(strFromU8(entries['adapter_config.json']))).toEqual(config);

      const back = readAdapter(zip, c.cfg);
      expect(back.config).toEqual(config);
      expect(back.table.shape).toEqual(table.shape);
      expect(bits(back.table.data)).toEqual(bits(table.data));
      expect(back.kind).toBe(c.caseJson.method);
      // The two loose files read the same.
      const loose = readAdapter({ 'adapter_config.json': entries['adapter_config.json'], 'adapter_model.safetensors': entries['adapter_model.safetensors'] }, c.cfg);
      expect(bits(loose.table.data)).toEqual(bits(table.data));
    });
  }

  it('row_format.json (how rows were built) rides beside the two PEFT files, which stay exactly PEFT\'s', () => {
    const c = get('llama-prompt');
    const { table, config } = exportOf(c);
    const recipe = { template: 'Review: {input}\nSentiment:', chat_template: false, prompt_add_special_tokens: true, bos: true, answer_leading_space: true, eos_appended: false };
    const entries = unzipSync(zipAdapter(buildAdapterFiles(table, config), recipe));
    expect(Object.keys(entries).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'row_format.json']);
    expect(JSON.parse(strFromU8(entries['row_format.json']))).toEqual(recipe);
    expect(JSON.parse(strFromU8(entries['adapter_config.json']))).toEqual(config);
    expect(bits(readAdapter(zipAdapter(buildAdapterFiles(table, config), recipe), c.cfg).table.data)).toEqual(bits(table.data));
  });

  it('gives the same bytes for the same adapter (no timestamps)', () => {
    const { table, config } = exportOf(get('llama-prompt'));
    expect(zipAdapter(buildAdapterFiles(table, config))).toEqual(zipAdapter(buildAdapterFiles(table, config)));
  });

  it('reads a zip whose files sit in one folder (as users re-zip a PEFT output directory)', () => {
    const c = get('qwen2-prefix');
    const { table, config } = exportOf(c);
    const files = buildAdapterFiles(table, config);
    const nested = zipSync({ 'my-adapter/adapter_config.json': files['adapter_config.json'], 'my-adapter/adapter_model.safetensors': files['adapter_model.safetensors'] });
    expect(bits(readAdapter(nested, c.cfg).table.data)).toEqual(bits(table.data));
  });

  it('summarises shape, files and per-token norms', () => {
    const { table, config } = exportOf(get('gpt2-prompt'));
    const files = buildAdapterFiles(table, config);
    const s = adapterSummary(table, config, files);
    const [P, W] = table.shape;
    const norm0 = Math.sqrt(Array.from(table.data.subarray(0, W)).reduce((a, x) => a + x * x, 0));
    expect(s.rowNorms).toHaveLength(P);
    expect(s.rowNorms[0]).toBeCloseTo(norm0, 10);
    expect(s.files).toEqual([
      { name: 'adapter_config.json', bytes: files['adapter_config.json'].byteLength },
      { name: 'adapter_model.safetensors', bytes: files['adapter_model.safetensors'].byteLength },
    ]);
    expect(s.stats.max).toBe(Math.max(...table.data));
  });
});

describe('PEFT adapter import errors', () => {
  const expectError = (f: () => unknown, pattern: RegExp) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as Error).message).toMatch(pattern);
  };

  it('a prefix for another model names the fields that differ', () => {
    const { table, config } = exportOf(get('llama-prefix')); // 2 KV heads × hd 8 = token_dim 16
    const zip = zipAdapter(buildAdapterFiles(table, config));
    expectError(() => readAdapter(zip, get('qwen2-prefix').cfg), /token_dim is 16 but this model has 32 \(key-value heads × head dim\)/);
    expectError(() => readAdapter(zip, get('gpt2-prefix').cfg), /token_dim is 16 but this model has 64 \(hidden size\); num_attention_heads is 2 but this model has 4/);
  });

  it('a table whose shape does not match its config', () => {
    const c = get('gpt2-prompt');
    const { config } = exportOf(c);
    const wrong: Tensor = { shape: [config.num_virtual_tokens, 8], data: new Float32Array(config.num_virtual_tokens * 8) };
    expectError(() => readAdapter(zipAdapter(buildAdapterFiles(wrong, config)), c.cfg), /prompt_embeddings is \[5, 8\] but this model needs \[5, 64\] for PROMPT_TUNING/);
  });

  it('missing files, non-prompt adapters and broken files', () => {
    const c = get('gpt2-prompt');
    const { table, config } = exportOf(c);
    const files = buildAdapterFiles(table, config);
    expectError(() => readAdapter(zipSync({ 'adapter_config.json': files['adapter_config.json'] }), c.cfg), /adapter_model\.safetensors is missing/);
    const lora = strToU8(JSON.stringify({ peft_type: 'LORA', r: 8 }));
    expectError(() => readAdapter({ 'adapter_config.json': lora, 'adapter_model.safetensors': files['adapter_model.safetensors'] }, c.cfg), /peft_type "LORA" is not a prompt-learning adapter/);
    const other = writeSafetensors({ 'base_model.model.lm_head.lora_A.weight': { shape: [1, 1], data: new Float32Array(1) } });
    expectError(() => readAdapter({ 'adapter_config.json': files['adapter_config.json'], 'adapter_model.safetensors': other }, c.cfg), /has no prompt_embeddings tensor/);
    expectError(() => readAdapter({ 'adapter_config.json': strToU8('{oops'), 'adapter_model.safetensors': other }, c.cfg), /adapter_config\.json is not valid JSON/);
    expectError(() => readAdapter(new Uint8Array([1, 2, 3]), c.cfg), /not a zip file/);
  });
});
