import { describe, expect, it } from 'vitest';
import { readInitFile, writeInitFile, initMismatch, type MetaInit } from '../../../src/tuning/meta/init-file.ts';
import { writeSafetensors } from '../../../src/engine/io/safetensors.ts';

const model = { name: 'demo', family: 'llama', hidden: 4, layers: 2, kvHeads: 1, headDim: 4, vocabSize: 10 };
const init = (): MetaInit => ({
  name: 'fomaml over topic, capitals',
  method: { method: 'prompt', virtualTokens: 2, init: 'vocab', initText: '' },
  model,
  provenance: { algorithm: 'fomaml', metaSgd: true, tasks: ['topic', 'capitals'], heldOut: 'sentiment-code', outerSteps: 3, config: { metaLr: 0.01 }, queryLosses: [1.5, 1.2, 0.9] },
  params: { prompt_embeddings: { shape: [2, 4], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, -8.5]) } },
  stepSizes: { prompt_embeddings: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) },
});

describe('initialisation file', () => {
  it('round-trips parameters, Meta-SGD step sizes and provenance exactly', () => {
    const back = readInitFile(writeInitFile(init()), model);
    const orig = init();
    expect(back.name).toBe(orig.name);
    expect(back.method).toEqual(orig.method);
    expect(back.provenance).toEqual(orig.provenance);
    expect(back.params.prompt_embeddings.shape).toEqual([2, 4]);
    expect(Array.from(back.params.prompt_embeddings.data)).toEqual(Array.from(orig.params.prompt_embeddings.data));
    expect(Array.from(back.stepSizes!.prompt_embeddings)).toEqual(Array.from(orig.stepSizes!.prompt_embeddings));
  });

  it('refuses a file made on a model of another shape, and says which', () => {
    expect(() => readInitFile(writeInitFile(init()), { ...model, name: 'other', hidden: 8 })).toThrow(/made on demo \(hidden 4\), not on other \(hidden 8\)/);
  });

  it('says what a PEFT adapter or a corrupt file is instead', () => {
    const adapter = writeSafetensors({ prompt_embeddings: { shape: [1, 2], data: new Float32Array(2) } });
    expect(() => readInitFile(adapter)).toThrow(/not a studio initialisation file/);
    const bytes = writeInitFile(init());
    expect(() => readInitFile(bytes.subarray(0, bytes.length - 9))).toThrow(/not an initialisation file/);
  });

  it('checks that the start fits the run’s method options', () => {
    const i = init();
    expect(initMismatch(i, { method: 'prompt', virtualTokens: 2, init: 'random', initText: 'x' })).toBeNull();
    expect(initMismatch(i, { method: 'prompt', virtualTokens: 3, init: 'vocab', initText: '' })).toMatch(/set the method's virtual tokens to 2/);
    expect(initMismatch(i, { method: 'prefix', virtualTokens: 2, projection: false, encoderHidden: 8 })).toMatch(/for prompt tuning, not prefix/);
  });
});
