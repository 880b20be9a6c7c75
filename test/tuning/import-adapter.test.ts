import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultGoldenDir, loadGoldenCase } from '../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import { buildAdapterFiles, zipAdapter } from '../../src/tuning/export/adapter.ts';
import { peftConfig } from '../../src/tuning/export/peft-config.ts';
import { prefixRowWidth } from '../../src/engine/model/config.ts';
import type { PreparedDataset } from '../../src/tuning/data/prepare.ts';
import type { MethodOptions } from '../../src/tuning/methods/method.ts';
import { Rng } from '../../src/tuning/random.ts';

// PEFT adapter import in the studio (issue 18, item 9): the zip or its two files become the current prompt, the
// same numbers the adapter holds; an adapter for another shape is refused with a sentence.
describe('importAdapter', () => {
  const cases: MethodOptions[] = [
    { method: 'prompt', virtualTokens: 4, init: 'random', initText: '' },
    { method: 'prefix', virtualTokens: 3, projection: false, encoderHidden: 8 },
  ];
  for (const options of cases) {
    it(`${options.method}: the zip and the two files give the adapter's own table`, async () => {
      const c = await loadGoldenCase(join(defaultGoldenDir(), 'llama-prefix'));
      const session = new TuningSession();
      session.lm = new ReferenceCausalLM(c.cfg, c.weights);
      session.tokenizer = {} as never; // not used by the import
      session.dataset = { train: [{ input: 'a', output: 'b', prompt: [1, 2], target: [3] }] } as unknown as PreparedDataset;
      const width = options.method === 'prefix' ? prefixRowWidth(c.cfg) : c.cfg.hidden;
      const r = new Rng(3);
      const table = { shape: [options.virtualTokens, width], data: Float32Array.from({ length: options.virtualTokens * width }, () => r.normal()) };
      const files = buildAdapterFiles(table, peftConfig(c.cfg, options, { baseModel: 'golden' }));
      for (const input of [zipAdapter(files), { ...files } as Record<string, Uint8Array>]) {
        const got = session.importAdapter(input);
        expect(got.method.method).toBe(options.method);
        expect(got.method.virtualTokens).toBe(options.virtualTokens);
        const extras = session.tunedExtras()!;
        const values = options.method === 'prefix' ? extras.prefix : extras.promptEmbeds;
        expect(Array.from(values!)).toEqual(Array.from(table.data));
        expect((await session.exportResult('peft-zip')).bytes.byteLength).toBeGreaterThan(0);
      }
      const wrong = buildAdapterFiles({ shape: [2, width + 4], data: new Float32Array(2 * (width + 4)) }, { ...peftConfig(c.cfg, options, { baseModel: 'golden' }), num_virtual_tokens: 2, token_dim: width + 4 });
      expect(() => session.importAdapter({ ...wrong } as Record<string, Uint8Array>)).toThrow(/does not fit the loaded model|needs \[/);
    });
  }
});
