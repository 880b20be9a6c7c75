// P-tuning (Liu et al. 2021; PEFT P_TUNING): a prompt encoder maps P learned input embeddings to the virtual
// token embeddings, which are then used exactly like a soft prompt. PEFT's encoders, with its module names:
//   MLP:  mlp_head = Linear(C, Hh) → ReLU → Linear(Hh, Hh) → ReLU → Linear(Hh, C)
//   LSTM: lstm_head = 2-layer bidirectional LSTM(C → Hh), mlp_head = Linear(2Hh, 2Hh) → ReLU → Linear(2Hh, C)
// Exported as the encoder's output table (P, C), as PEFT's get_prompt_embedding_to_save does.
import {
  initLinear, linearBackward, linearForward, reluBackward, reluForward, tensor, toFloat64, zeroGrads, type Grads, type Params,
} from '../nn/dense.ts';
import { initLstm, lstmBackward, lstmForward, type LstmTape } from '../nn/lstm.ts';
import type { PTuningOptions, TuningMethod } from './method.ts';
import { pTuningCard } from './cards/p-tuning.ts';

const LSTM_LAYERS = 2; // PEFT encoder_num_layers default

interface EncoderTape {
  x: Float64Array; // (P, C) the learned inputs
  lstm?: LstmTape;
  acts: Float64Array[]; // inputs of each Linear in mlp_head, in order (post-ReLU where applicable)
  out: Float32Array; // (P, C)
}

/** Linear layers of mlp_head by index; ReLU between them. */
const mlpLinears = (options: PTuningOptions) => (options.encoder === 'MLP' ? ['mlp_head.0', 'mlp_head.2', 'mlp_head.4'] : ['mlp_head.0', 'mlp_head.2']);

function encode(params: Params, options: PTuningOptions, C: number): EncoderTape {
  const P = options.virtualTokens;
  const Hh = options.encoderHidden;
  const x = toFloat64(params['embedding.weight']);
  let h = x;
  let lstm: LstmTape | undefined;
  if (options.encoder === 'LSTM') {
    const r = lstmForward(params, 'lstm_head', x, C, P, Hh, LSTM_LAYERS);
    h = r.y;
    lstm = r.tape;
  }
  const acts: Float64Array[] = [];
  const names = mlpLinears(options);
  names.forEach((name, i) => {
    acts.push(h);
    h = linearForward(h, P, params[`${name}.weight`], params[`${name}.bias`]);
    if (i < names.length - 1) h = reluForward(h);
  });
  return { x, lstm, acts, out: Float32Array.from(h) };
}

export const pTuning: TuningMethod<PTuningOptions> = {
  ...pTuningCard,

  init(ctx, options) {
    const C = ctx.cfg.hidden;
    const Hh = options.encoderHidden;
    const params: Params = {};
    const table = tensor([options.virtualTokens, C]);
    for (let i = 0; i < table.data.length; i++) table.data[i] = ctx.rng.normal(); // nn.Embedding default
    params['embedding.weight'] = table;
    if (options.encoder === 'MLP') {
      initLinear(params, 'mlp_head.0', C, Hh, ctx.rng);
      initLinear(params, 'mlp_head.2', Hh, Hh, ctx.rng);
      initLinear(params, 'mlp_head.4', Hh, C, ctx.rng);
    } else {
      initLstm(params, 'lstm_head', C, Hh, LSTM_LAYERS, ctx.rng);
      initLinear(params, 'mlp_head.0', 2 * Hh, 2 * Hh, ctx.rng);
      initLinear(params, 'mlp_head.2', 2 * Hh, C, ctx.rng);
    }
    return params;
  },

  forward(params, options, cfg) {
    const tape = encode(params, options, cfg.hidden);
    return { extras: { promptEmbeds: tape.out, virtualTokens: options.virtualTokens }, tape };
  },

  backward(params, options, _cfg, fwd, gradExtra): Grads {
    const P = options.virtualTokens;
    const tape = fwd.tape as EncoderTape;
    const grads = zeroGrads(params);
    const names = mlpLinears(options);
    let d: Float64Array = Float64Array.from(gradExtra);
    for (let i = names.length - 1; i >= 0; i--) {
      const name = names[i];
      d = linearBackward(d, tape.acts[i], P, params[`${name}.weight`], grads[`${name}.weight`], grads[`${name}.bias`]);
      if (i > 0) d = reluBackward(d, tape.acts[i]);
    }
    if (tape.lstm) d = lstmBackward(params, grads, tape.lstm, d);
    grads['embedding.weight'].set(d);
    return grads;
  },

  exportTable(params, options, cfg) {
    return tensor([options.virtualTokens, cfg.hidden], encode(params, options, cfg.hidden).out);
  },
};
