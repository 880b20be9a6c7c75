// Prefix tuning's card (Li & Liang 2021; PEFT PREFIX_TUNING); the compute is ../prefix-tuning.ts.
import type { MethodCard } from './card.ts';

export interface PrefixTuningOptions {
  method: 'prefix';
  virtualTokens: number;
  projection: boolean; // PEFT prefix_projection: a 2-layer tanh MLP reparameterises the prefix
  encoderHidden: number; // PEFT encoder_hidden_size (projection only)
}

export const prefixTuningCard: MethodCard<PrefixTuningOptions> = {
  name: 'prefix',
  peftType: 'PREFIX_TUNING',
  title: 'Prefix tuning',
  note:
    'Trainable keys and values prepended to attention in every layer (Li & Liang 2021: prefix length 5–10 and ' +
    'a reparameterisation MLP). On GQA models the prefix has the KV heads’ width, as in PEFT.',
  defaults: { method: 'prefix', virtualTokens: 8, projection: false, encoderHidden: 128 },
  learningRate: 1e-2, // the demo evidence's rate (model card)
  fields: [
    { kind: 'flag', key: 'projection', label: 'reparameterise with an MLP', peft: 'prefix_projection', testId: 'method.projection' },
    { kind: 'integer', key: 'encoderHidden', label: 'MLP hidden', peft: 'encoder_hidden_size', testId: 'method.encoder-hidden', min: 1, showIf: (o) => o.projection },
  ],
  engineInput: 'prefix',
  peftKeyValueDims: true,
  // encoder_hidden_size left unset becomes token_dim in PEFT, so an unprojected prefix reports token_dim.
  peftFields: (options, ctx) => ({
    encoder_hidden_size: options.projection ? options.encoderHidden : ctx.tokenDim,
    prefix_projection: options.projection,
  }),
};
