// Prompt tuning (Lester et al. 2021; PEFT PROMPT_TUNING): P trainable vectors of the model's hidden size,
// prepended to the input embeddings. The parameter *is* the exported table.
import type { Tensor } from '../../engine/model/weights.ts';
import { tensor, type Params } from '../nn/dense.ts';
import type { PromptTuningOptions, TuningMethod } from './method.ts';
import { promptTuningCard } from './cards/prompt-tuning.ts';

export const promptTuning: TuningMethod<PromptTuningOptions> = {
  ...promptTuningCard,

  init(ctx, options) {
    const C = ctx.cfg.hidden;
    const P = options.virtualTokens;
    const table = tensor([P, C]);
    // A token's input vector: its embedding row × the model's input scale (Gemma: √C). PEFT reads its vocabulary
    // and text inits from the (scaled) input embedding module, so the prompt starts where those tokens would be.
    const scale = ctx.cfg.embedScale;
    const copyRow = (p: number, token: number) => {
      for (let c = 0; c < C; c++) table.data[p * C + c] = ctx.embed.data[token * C + c] * scale;
    };
    if (options.init === 'random') {
      // torch.nn.Embedding's default init, which PEFT's RANDOM uses: N(0, 1).
      for (let i = 0; i < table.data.length; i++) table.data[i] = ctx.rng.normal();
    } else if (options.init === 'vocab') {
      // PEFT SAMPLE_VOCAB: embeddings of P token ids drawn uniformly from the vocabulary.
      for (let p = 0; p < P; p++) copyRow(p, Math.floor(ctx.rng.uniform() * ctx.cfg.vocabSize));
    } else {
      if (!ctx.encodeText) throw new Error('text init needs the tokenizer');
      const ids = ctx.encodeText(options.initText);
      if (ids.length === 0) throw new Error('the init text is empty after tokenisation: type a few words, or pick another init');
      // PEFT TEXT: repeat the text's tokens until P, or cut to P.
      for (let p = 0; p < P; p++) copyRow(p, ids[p % ids.length]);
    }
    return { prompt_embeddings: table };
  },

  forward(params, options) {
    return { extras: { promptEmbeds: params.prompt_embeddings.data, virtualTokens: options.virtualTokens }, tape: null };
  },

  backward(_params, _options, _cfg, _fwd, gradExtra) {
    return { prompt_embeddings: Float64Array.from(gradExtra) };
  },

  exportTable(params: Params): Tensor {
    return params.prompt_embeddings;
  },
};
