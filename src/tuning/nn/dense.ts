// Small dense layers for the prompt encoders (P-tuning MLP/LSTM heads, the prefix reparameterisation MLP).
// They run on the CPU: their inputs are P rows (tens), so a GPU dispatch would cost more than the math.
// Layout as torch.nn.Linear: W (out, in), y = x · Wᵀ + b. Compute in float64, parameters stored f32.
import type { Tensor } from '../../engine/model/weights.ts';
import { linearForward as referenceLinear } from '../../engine/reference/ops.ts';

export type Params = Record<string, Tensor>;
export type Grads = Record<string, Float64Array>;

export interface RandomSource {
  uniform(): number; // [0, 1)
  normal(): number; // N(0, 1)
}

export function tensor(shape: number[], data?: Float32Array): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: data ?? new Float32Array(n) };
}

/** torch.nn.Linear's default init: U(-1/√in, 1/√in) for weight and bias (kaiming_uniform with a=√5). */
export function initLinear(params: Params, name: string, inDim: number, outDim: number, rng: RandomSource): void {
  const bound = 1 / Math.sqrt(inDim);
  const w = tensor([outDim, inDim]);
  const b = tensor([outDim]);
  for (let i = 0; i < w.data.length; i++) w.data[i] = (rng.uniform() * 2 - 1) * bound;
  for (let i = 0; i < b.data.length; i++) b.data[i] = (rng.uniform() * 2 - 1) * bound;
  params[`${name}.weight`] = w;
  params[`${name}.bias`] = b;
}

/** y (R, out) = x (R, in) · Wᵀ + b: the engine's float64 linear, on Tensors. */
export function linearForward(x: Float64Array, rows: number, w: Tensor, b: Tensor | undefined): Float64Array {
  const [outDim, inDim] = w.shape;
  return referenceLinear(x, rows, inDim, w.data, outDim, b?.data);
}

/** Given dy (R, out): accumulates dW += dyᵀ·x, db += Σ dy, and returns dx = dy · W. */
export function linearBackward(
  dy: Float64Array,
  x: Float64Array,
  rows: number,
  w: Tensor,
  dw: Float64Array,
  db: Float64Array | undefined,
): Float64Array {
  const [outDim, inDim] = w.shape;
  const dx = new Float64Array(rows * inDim);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      const g = dy[r * outDim + o];
      if (g === 0) continue;
      if (db) db[o] += g;
      const wo = o * inDim;
      const xr = r * inDim;
      for (let i = 0; i < inDim; i++) {
        dw[wo + i] += g * x[xr + i];
        dx[xr + i] += g * w.data[wo + i];
      }
    }
  }
  return dx;
}

export function reluForward(x: Float64Array): Float64Array {
  return x.map((v) => (v > 0 ? v : 0));
}
export function reluBackward(dy: Float64Array, y: Float64Array): Float64Array {
  return dy.map((g, i) => (y[i] > 0 ? g : 0));
}

export function tanhForward(x: Float64Array): Float64Array {
  return x.map(Math.tanh);
}
export function tanhBackward(dy: Float64Array, y: Float64Array): Float64Array {
  return dy.map((g, i) => g * (1 - y[i] * y[i]));
}

export function zeroGrads(params: Params): Grads {
  const g: Grads = {};
  for (const [k, t] of Object.entries(params)) g[k] = new Float64Array(t.data.length);
  return g;
}

export function toFloat64(t: Tensor): Float64Array {
  return Float64Array.from(t.data);
}
