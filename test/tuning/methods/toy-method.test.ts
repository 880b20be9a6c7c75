import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { defaultGoldenDir, loadGoldenCase } from '../../../cli/golden-case.ts';
import { ReferenceCausalLM } from '../../../src/engine/reference/reference-lm.ts';
import { tensor } from '../../../src/tuning/nn/dense.ts';
import type { TuningMethod } from '../../../src/tuning/methods/method.ts';
import { checkMethodOptions, methodFor, registerMethod } from '../../../src/tuning/methods/registry.ts';
import { cardFor, methodCards } from '../../../src/tuning/methods/cards/index.ts';
import { peftConfig, peftConfigJson } from '../../../src/tuning/export/peft-config.ts';
import { checkPeftConfig } from '../../../src/tuning/export/adapter.ts';
import { Trainer } from '../../../src/tuning/trainer.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../../src/tuning/train-config.ts';
import { MethodOptionsFields } from '../../../src/app/panels/MethodOptionsFields.tsx';
import type { MethodOptions } from '../../../src/worker/protocol.ts';

// A method is one definition and one registry line: this toy (a soft prompt multiplied by a whole-number gain)
// is written only here, and after `registerMethod(toy)` the trainer, the option checks, the PEFT export and
// import, and the UI's option fields all know it, with its own defaults and learning rate.
interface ToyOptions {
  method: 'toy';
  virtualTokens: number;
  gain: number;
}

const toy: TuningMethod<ToyOptions> = {
  name: 'toy',
  peftType: 'TOY_TUNING',
  title: 'Toy tuning',
  note: 'A soft prompt times a gain.',
  defaults: { method: 'toy', virtualTokens: 3, gain: 2 },
  learningRate: 0.05,
  fields: [{ kind: 'integer', key: 'gain', label: 'gain', peft: 'toy_gain', testId: 'method.toy-gain', min: 1 }],
  engineInput: 'prompt',
  peftKeyValueDims: false,
  peftFields: (o) => ({ toy_gain: o.gain, toy_dropout: 0 }),
  peftFloatFields: ['toy_dropout'],
  init: (ctx, o) => ({ table: tensor([o.virtualTokens, ctx.cfg.hidden], Float32Array.from({ length: o.virtualTokens * ctx.cfg.hidden }, () => 0.1 * ctx.rng.normal())) }),
  forward: (params, o) => ({ extras: { promptEmbeds: params.table.data.map((v) => v * o.gain), virtualTokens: o.virtualTokens }, tape: null }),
  backward: (_params, o, _cfg, _fwd, grad) => ({ table: Float64Array.from(grad, (g) => g * o.gain) }),
  exportTable: (params, o) => tensor([...params.table.shape], params.table.data.map((v) => v * o.gain)),
};

registerMethod(toy);

const options = (o: Partial<ToyOptions> = {}) => ({ ...toy.defaults, ...o }) as unknown as MethodOptions;

describe('a toy method registered in one line', () => {
  it('trains with its defaults and learning rate', async () => {
    const c = await loadGoldenCase(join(defaultGoldenDir(), 'gpt2-prompt'));
    const lm = new ReferenceCausalLM(c.cfg, c.weights);
    const examples = [
      { input: 'a', output: 'b', prompt: [5, 6, 7], target: [8] },
      { input: 'c', output: 'd', prompt: [9, 10], target: [11, 12] },
    ];
    expect(methodFor(options())).toBe(toy);
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, method: options(), learningRate: cardFor('toy').learningRate, steps: 8, batchSize: 2, evalEvery: 0, warmupSteps: 0 };
    const trainer = new Trainer(lm, config, examples);
    const losses: number[] = [];
    await trainer.run({ onStep: (s) => void losses.push(s.loss) });
    expect(losses).toHaveLength(8);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    expect(trainer.currentExtras().extras.promptEmbeds).toHaveLength(3 * c.cfg.hidden);
  });

  it('is checked by its card’s fields', async () => {
    const c = await loadGoldenCase(join(defaultGoldenDir(), 'gpt2-prompt'));
    expect(checkMethodOptions(options(), c.cfg)).toEqual([]);
    expect(checkMethodOptions(options({ gain: 0 }), c.cfg)).toEqual(['gain (toy_gain) must be a whole number ≥ 1 (got 0)']);
  });

  it('exports and imports its PEFT config', async () => {
    const c = await loadGoldenCase(join(defaultGoldenDir(), 'gpt2-prompt'));
    const config = peftConfig(c.cfg, options({ gain: 4 }), { baseModel: 'toy-base' });
    expect(config).toMatchObject({ peft_type: 'TOY_TUNING', num_virtual_tokens: 3, token_dim: c.cfg.hidden, toy_gain: 4 });
    const json = peftConfigJson(config);
    expect(json).toContain('"toy_dropout": 0.0');
    expect(checkPeftConfig(JSON.parse(json), c.cfg).peft_type).toBe('TOY_TUNING');
  });

  it('is listed and rendered by the UI from its card', () => {
    expect(methodCards().map((m) => m.name)).toContain('toy');
    const html = renderToStaticMarkup(createElement(MethodOptionsFields, { options: options({ gain: 5 }), onChange: () => {} }));
    expect(html).toContain('data-testid="method.toy-gain"');
    expect(html).toContain('title="PEFT toy_gain"');
    expect(html).toContain('value="5"');
  });

  it('refuses a second method with the same name', () => {
    expect(() => registerMethod(toy)).toThrow(/already registered/);
  });
});
