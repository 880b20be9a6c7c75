// Prompt tuning's card (Lester et al. 2021; PEFT PROMPT_TUNING); the compute is ../prompt-tuning.ts.
import type { MethodCard } from './card.ts';

export interface PromptTuningOptions {
  method: 'prompt';
  virtualTokens: number;
  init: 'random' | 'vocab' | 'text';
  initText: string; // used when init == 'text'
}

const PEFT_INIT = { random: 'RANDOM', vocab: 'SAMPLE_VOCAB', text: 'TEXT' } as const;

export const promptTuningCard: MethodCard<PromptTuningOptions> = {
  name: 'prompt',
  peftType: 'PROMPT_TUNING',
  title: 'Prompt tuning',
  note:
    'Trainable vectors prepended to the input embeddings (Lester et al. 2021). Init from sampled vocabulary ' +
    'embeddings and lr ≈ 1e-2 do far better than random init at 1e-4 (PEFT benchmark); gains level off past ~20 tokens.',
  defaults: { method: 'prompt', virtualTokens: 16, init: 'vocab', initText: 'Classify the sentiment of this review:' },
  learningRate: 3e-2, // the demo evidence's rate (model card); PEFT's benchmark: ≥ 1e-3
  fields: [
    {
      kind: 'choice', key: 'init', label: 'init', peft: 'prompt_tuning_init', testId: 'method.init',
      choices: [{ value: 'vocab', label: 'sampled vocabulary' }, { value: 'text', label: 'from text' }, { value: 'random', label: 'random' }],
    },
    { kind: 'text', key: 'initText', label: 'init text', peft: 'prompt_tuning_init_text', testId: 'method.init-text', showIf: (o) => o.init === 'text' },
  ],
  engineInput: 'prompt',
  peftKeyValueDims: false,
  peftFields(options, ctx) {
    const text = options.init === 'text';
    return {
      prompt_tuning_init: PEFT_INIT[options.init],
      prompt_tuning_init_text: text ? (ctx.initText ?? options.initText) : null,
      tokenizer_name_or_path: text ? (ctx.tokenizerName ?? ctx.baseModel) : null,
      tokenizer_kwargs: null,
    };
  },
};
