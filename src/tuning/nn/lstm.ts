// A multi-layer bidirectional LSTM over one sequence, forward and backward (BPTT), as torch.nn.LSTM with
// bidirectional=True, batch_first=True. P-tuning's LSTM prompt encoder runs its P input embeddings through it.
// Letters: S sequence length (P), X input width, Hd hidden width; gates stacked i, f, g, o as torch does.
// Parameter names follow torch: `${name}.weight_ih_l{k}{_reverse}` (4Hd, X), `weight_hh_l{k}` (4Hd, Hd),
// `bias_ih_l{k}`, `bias_hh_l{k}` (4Hd).
import type { Grads, Params, RandomSource } from './dense.ts';
import { tensor } from './dense.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** torch's LSTM init: every weight and bias U(-1/√Hd, 1/√Hd). */
export function initLstm(params: Params, name: string, inDim: number, hidden: number, layers: number, rng: RandomSource): void {
  const bound = 1 / Math.sqrt(hidden);
  for (let l = 0; l < layers; l++) {
    const x = l === 0 ? inDim : 2 * hidden;
    for (const suffix of ['', '_reverse']) {
      const shapes: Record<string, number[]> = {
        [`weight_ih_l${l}${suffix}`]: [4 * hidden, x],
        [`weight_hh_l${l}${suffix}`]: [4 * hidden, hidden],
        [`bias_ih_l${l}${suffix}`]: [4 * hidden],
        [`bias_hh_l${l}${suffix}`]: [4 * hidden],
      };
      for (const [k, shape] of Object.entries(shapes)) {
        const t = tensor(shape);
        for (let i = 0; i < t.data.length; i++) t.data[i] = (rng.uniform() * 2 - 1) * bound;
        params[`${name}.${k}`] = t;
      }
    }
  }
}

interface DirectionTape {
  key: string; // `l{k}` or `l{k}_reverse`
  order: number[]; // time indices in processing order
  gates: Float64Array; // (S, 4Hd) post-activation i, f, g, o
  c: Float64Array; // (S, Hd) cell after each step (processing order)
  h: Float64Array; // (S, Hd) hidden after each step (processing order)
}

export interface LstmTape {
  name: string;
  layers: number;
  hidden: number;
  seq: number;
  inputs: Float64Array[]; // per layer: (S, X_l)
  dirs: DirectionTape[][]; // per layer: [forward, reverse]
}

function runDirection(params: Params, name: string, key: string, x: Float64Array, xDim: number, seq: number, hd: number, reverse: boolean): DirectionTape {
  const wih = params[`${name}.weight_ih_${key}`].data;
  const whh = params[`${name}.weight_hh_${key}`].data;
  const bih = params[`${name}.bias_ih_${key}`].data;
  const bhh = params[`${name}.bias_hh_${key}`].data;
  const order = Array.from({ length: seq }, (_, s) => (reverse ? seq - 1 - s : s));
  const gates = new Float64Array(seq * 4 * hd);
  const c = new Float64Array(seq * hd);
  const h = new Float64Array(seq * hd);
  for (let step = 0; step < seq; step++) {
    const t = order[step];
    for (let j = 0; j < 4 * hd; j++) {
      let z = bih[j] + bhh[j];
      for (let i = 0; i < xDim; i++) z += wih[j * xDim + i] * x[t * xDim + i];
      if (step > 0) for (let i = 0; i < hd; i++) z += whh[j * hd + i] * h[(step - 1) * hd + i];
      const gate = Math.floor(j / hd); // 0 i, 1 f, 2 g, 3 o
      gates[step * 4 * hd + j] = gate === 2 ? Math.tanh(z) : sigmoid(z);
    }
    for (let k = 0; k < hd; k++) {
      const g = step * 4 * hd;
      const cPrev = step > 0 ? c[(step - 1) * hd + k] : 0;
      const cNew = gates[g + hd + k] * cPrev + gates[g + k] * gates[g + 2 * hd + k];
      c[step * hd + k] = cNew;
      h[step * hd + k] = gates[g + 3 * hd + k] * Math.tanh(cNew);
    }
  }
  return { key, order, gates, c, h };
}

/** Runs the LSTM over x (S, X); returns (S, 2Hd) = [forward h_t | reverse h_t] of the last layer. */
export function lstmForward(params: Params, name: string, x: Float64Array, inDim: number, seq: number, hidden: number, layers: number): { y: Float64Array; tape: LstmTape } {
  const tape: LstmTape = { name, layers, hidden, seq, inputs: [], dirs: [] };
  let input = x;
  let xDim = inDim;
  for (let l = 0; l < layers; l++) {
    tape.inputs.push(input);
    const fwd = runDirection(params, name, `l${l}`, input, xDim, seq, hidden, false);
    const rev = runDirection(params, name, `l${l}_reverse`, input, xDim, seq, hidden, true);
    tape.dirs.push([fwd, rev]);
    const out = new Float64Array(seq * 2 * hidden);
    for (const [d, dir] of [fwd, rev].entries())
      dir.order.forEach((t, step) => {
        for (let k = 0; k < hidden; k++) out[t * 2 * hidden + d * hidden + k] = dir.h[step * hidden + k];
      });
    input = out;
    xDim = 2 * hidden;
  }
  return { y: input, tape };
}

/** Backpropagation through time: accumulates parameter gradients into `grads`, returns d(input) (S, X). */
export function lstmBackward(params: Params, grads: Grads, tape: LstmTape, dy: Float64Array): Float64Array {
  const { name, hidden: hd, seq } = tape;
  let dOut = dy; // (S, 2Hd) gradient w.r.t. this layer's output
  for (let l = tape.layers - 1; l >= 0; l--) {
    const x = tape.inputs[l];
    const xDim = x.length / seq;
    const dx = new Float64Array(seq * xDim);
    for (const [d, dir] of tape.dirs[l].entries()) {
      const k = dir.key;
      const wih = params[`${name}.weight_ih_${k}`].data;
      const whh = params[`${name}.weight_hh_${k}`].data;
      const dWih = grads[`${name}.weight_ih_${k}`];
      const dWhh = grads[`${name}.weight_hh_${k}`];
      const dBih = grads[`${name}.bias_ih_${k}`];
      const dBhh = grads[`${name}.bias_hh_${k}`];
      const dhNext = new Float64Array(hd); // from step+1 through W_hh
      const dcNext = new Float64Array(hd);
      const dz = new Float64Array(4 * hd);
      for (let step = seq - 1; step >= 0; step--) {
        const t = dir.order[step];
        const g = step * 4 * hd;
        for (let j = 0; j < hd; j++) {
          const dh = dOut[t * 2 * hd + d * hd + j] + dhNext[j];
          const c = dir.c[step * hd + j];
          const tc = Math.tanh(c);
          const gi = dir.gates[g + j], gf = dir.gates[g + hd + j], gg = dir.gates[g + 2 * hd + j], go = dir.gates[g + 3 * hd + j];
          const dc = dcNext[j] + dh * go * (1 - tc * tc);
          const cPrev = step > 0 ? dir.c[(step - 1) * hd + j] : 0;
          dz[j] = dc * gg * gi * (1 - gi);
          dz[hd + j] = dc * cPrev * gf * (1 - gf);
          dz[2 * hd + j] = dc * gi * (1 - gg * gg);
          dz[3 * hd + j] = dh * tc * go * (1 - go);
          dcNext[j] = dc * gf;
        }
        dhNext.fill(0);
        for (let j = 0; j < 4 * hd; j++) {
          const gz = dz[j];
          dBih[j] += gz;
          dBhh[j] += gz;
          for (let i = 0; i < xDim; i++) {
            dWih[j * xDim + i] += gz * x[t * xDim + i];
            dx[t * xDim + i] += gz * wih[j * xDim + i];
          }
          if (step > 0)
            for (let i = 0; i < hd; i++) {
              dWhh[j * hd + i] += gz * dir.h[(step - 1) * hd + i];
              dhNext[i] += gz * whh[j * hd + i];
            }
        }
      }
    }
    dOut = dx;
  }
  return dOut;
}
