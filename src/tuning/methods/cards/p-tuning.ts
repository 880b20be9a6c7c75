// P-tuning's card (Liu et al. 2021; PEFT P_TUNING); the compute is ../p-tuning.ts.
import type { MethodCard } from './card.ts';

export interface PTuningOptions {
  method: 'ptuning';
  virtualTokens: number;
  encoder: 'MLP' | 'LSTM'; // PEFT encoder_reparameterization_type
  encoderHidden: number; // PEFT encoder_hidden_size
}

export const pTuningCard: MethodCard<PTuningOptions> = {
  name: 'ptuning',
  peftType: 'P_TUNING',
  title: 'P-tuning',
  note:
    'A small encoder (MLP, or bidirectional LSTM + MLP) produces the virtual token embeddings (Liu et al. 2021); ' +
    'it tends to converge faster than plain prompt tuning. Exported as the embeddings it produces, as in PEFT.',
  defaults: { method: 'ptuning', virtualTokens: 16, encoder: 'MLP', encoderHidden: 128 },
  learningRate: 1e-2, // the demo evidence's rate (model card)
  fields: [
    {
      kind: 'choice', key: 'encoder', label: 'encoder', peft: 'encoder_reparameterization_type', testId: 'method.encoder',
      choices: [{ value: 'MLP', label: 'MLP' }, { value: 'LSTM', label: 'bidirectional LSTM + MLP' }],
    },
    { kind: 'integer', key: 'encoderHidden', label: 'encoder hidden', peft: 'encoder_hidden_size', testId: 'method.encoder-hidden', min: 1 },
  ],
  engineInput: 'prompt', // exported as the encoder's output table, as PEFT's get_prompt_embedding_to_save does
  peftKeyValueDims: false,
  peftFields: (options) => ({
    encoder_reparameterization_type: options.encoder,
    encoder_hidden_size: options.encoderHidden,
    encoder_num_layers: 2, // PEFT's default; the studio's encoders have PEFT's fixed depth
    encoder_dropout: 0,
  }),
  peftFloatFields: ['encoder_dropout'],
};
