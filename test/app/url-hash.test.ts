// The shared-link hash: a setup survives the round trip, and a hand-edited or truncated hash never yields an
// invalid setup (bad values fall back to the base setup field by field).
import { describe, expect, it } from 'vitest';
import { defaultSetup, type Setup } from '../../src/app/project.ts';
import { pickSetup, setupFromHash, setupToHash } from '../../src/app/url-hash.ts';

function custom(): Setup {
  const s = defaultSetup();
  return {
    ...s,
    method: 'ptuning',
    methodOptions: { ...s.methodOptions, ptuning: { method: 'ptuning', virtualTokens: 7, encoder: 'LSTM', encoderHidden: 96 } },
    hyper: { ...s.hyper, learningRate: 0.005, steps: 250, schedule: 'linear', beta2: 0.98 },
    template: 'Q: {input}\nA: & = # %',
    datasetId: 'sst2-mini',
    validationFraction: 0.25,
    dataSeed: 7,
  };
}

describe('url hash', () => {
  it('round-trips a setup, including a template with reserved characters', () => {
    const setup = custom();
    const back = setupFromHash(`#${setupToHash(setup)}`, defaultSetup());
    expect(back).toEqual(pickSetup(setup));
  });

  it('keeps the base setup for unknown methods, bad numbers and bad enum values', () => {
    const base = custom();
    const back = setupFromHash('#method=lora&lr=abc&steps=&schedule=wild&m.encoder=GRU&split=0.3', base)!;
    expect(back.method).toBe('ptuning');
    expect(back.hyper.learningRate).toBe(0.005);
    expect(back.hyper.steps).toBe(250);
    expect(back.hyper.schedule).toBe('linear');
    expect(back.methodOptions.ptuning.encoder).toBe('LSTM');
    expect(back.validationFraction).toBe(0.3);
  });

  it('reads booleans for prefix projection and ignores a hash without a method', () => {
    const back = setupFromHash('#method=prefix&m.projection=true&m.virtualTokens=5', defaultSetup())!;
    expect(back.methodOptions.prefix).toEqual({ method: 'prefix', virtualTokens: 5, projection: true, encoderHidden: 128 });
    expect(setupFromHash('#lr=0.1', defaultSetup())).toBeNull();
  });
});
