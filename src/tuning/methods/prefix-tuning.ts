// Prefix tuning (Li & Liang 2021; PEFT PREFIX_TUNING): per layer, P trainable keys and values placed in front
// of the attention cache (no RoPE on them). Table layout (P, W), W = L·2·KVH·hd, as PEFT's get_prompt splits
// it. With `projection` (PEFT prefix_projection) a (P, KVH·hd) table goes through Linear → tanh → Linear to
// the (P, W) prefix while training; only that projected table is exported, as PEFT does.
import { prefixRowWidth, type ModelConfig } from '../../engine/model/config.ts';
import {
  initLinear, linearBackward, linearForward, tanhBackward, tanhForward, tensor, toFloat64, zeroGrads, type Params,
} from '../nn/dense.ts';
import type { PrefixTuningOptions, TuningMethod } from './method.ts';
import { prefixTuningCard } from './cards/prefix-tuning.ts';

/** PEFT's token_dim for prefix tuning: KVH·hd when the config has num_key_value_heads (GQA-aware). */
export const prefixTokenDim = (cfg: ModelConfig) => cfg.kvHeads * cfg.headDim;

interface ProjectionTape {
  x: Float64Array; // (P, token_dim)
  hidden: Float64Array; // (P, encoderHidden) after tanh
  out: Float32Array; // (P, W)
}

function project(params: Params, P: number): ProjectionTape {
  const x = toFloat64(params['embedding.weight']);
  const hidden = tanhForward(linearForward(x, P, params['transform.0.weight'], params['transform.0.bias']));
  const out = Float32Array.from(linearForward(hidden, P, params['transform.2.weight'], params['transform.2.bias']));
  return { x, hidden, out };
}

export const prefixTuning: TuningMethod<PrefixTuningOptions> = {
  ...prefixTuningCard,

  init(ctx, options) {
    const P = options.virtualTokens;
    const params: Params = {};
    const width = options.projection ? prefixTokenDim(ctx.cfg) : prefixRowWidth(ctx.cfg);
    // torch.nn.Embedding's default N(0, 1), which PEFT's PrefixEncoder uses.
    const table = tensor([P, width]);
    for (let i = 0; i < table.data.length; i++) table.data[i] = ctx.rng.normal();
    params['embedding.weight'] = table;
    if (options.projection) {
      initLinear(params, 'transform.0', width, options.encoderHidden, ctx.rng);
      initLinear(params, 'transform.2', options.encoderHidden, prefixRowWidth(ctx.cfg), ctx.rng);
    }
    return params;
  },

  forward(params, options) {
    const P = options.virtualTokens;
    if (!options.projection)
      return { extras: { prefix: params['embedding.weight'].data, virtualTokens: P }, tape: null };
    const tape = project(params, P);
    return { extras: { prefix: tape.out, virtualTokens: P }, tape };
  },

  backward(params, options, _cfg, fwd, gradExtra) {
    const grads = zeroGrads(params);
    if (!options.projection) {
      grads['embedding.weight'].set(gradExtra);
      return grads;
    }
    const P = options.virtualTokens;
    const tape = fwd.tape as ProjectionTape;
    const dy = Float64Array.from(gradExtra);
    const dHidden = linearBackward(dy, tape.hidden, P, params['transform.2.weight'], grads['transform.2.weight'], grads['transform.2.bias']);
    const dPre = tanhBackward(dHidden, tape.hidden);
    const dx = linearBackward(dPre, tape.x, P, params['transform.0.weight'], grads['transform.0.weight'], grads['transform.0.bias']);
    grads['embedding.weight'].set(dx);
    return grads;
  },

  exportTable(params, options, cfg) {
    const P = options.virtualTokens;
    if (!options.projection) return params['embedding.weight'];
    return tensor([P, prefixRowWidth(cfg)], project(params, P).out);
  },
};
