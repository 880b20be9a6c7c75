// GPT-2 checkpoints → canonical weights. Hub checkpoints name tensors with or without `transformer.` and may
// carry `attn.bias` / `attn.masked_bias` mask buffers (ignored). Conv1D weights are stored (in, out): transposed
// here to (out, in); the fused c_attn (C, 3C) is split into q, k, v.
import type { ModelConfig } from '../config.ts';
import type { LayerWeights, ModelWeights, Tensor } from '../weights.ts';
import type { TensorSource } from './source.ts';

function transpose(t: Tensor): Tensor {
  const [rows, cols] = t.shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c];
  return { shape: [cols, rows], data: out };
}

/** Columns [from, to) of a (rows, cols) matrix, as (to - from, rows) after transposition. */
function columnsAsRows(t: Tensor, from: number, to: number): Tensor {
  const [rows, cols] = t.shape;
  const n = to - from;
  const out = new Float32Array(n * rows);
  for (let r = 0; r < rows; r++) for (let c = from; c < to; c++) out[(c - from) * rows + r] = t.data[r * cols + c];
  return { shape: [n, rows], data: out };
}

const slice = (t: Tensor, from: number, to: number): Tensor => ({ shape: [to - from], data: t.data.slice(from, to) });

export function loadGpt2(cfg: ModelConfig, src: TensorSource): ModelWeights {
  const prefix = src.has('transformer.wte.weight') ? 'transformer.' : '';
  const get = (name: string, shape: number[]) => src.get(prefix + name, shape);
  const C = cfg.hidden;
  const I = cfg.intermediate;
  const layers: LayerWeights[] = [];
  for (let i = 0; i < cfg.layers; i++) {
    const h = `h.${i}.`;
    const cAttn = get(`${h}attn.c_attn.weight`, [C, 3 * C]);
    const cAttnBias = get(`${h}attn.c_attn.bias`, [3 * C]);
    layers.push({
      norm1: { weight: get(`${h}ln_1.weight`, [C]), bias: get(`${h}ln_1.bias`, [C]) },
      q: { weight: columnsAsRows(cAttn, 0, C), bias: slice(cAttnBias, 0, C) },
      k: { weight: columnsAsRows(cAttn, C, 2 * C), bias: slice(cAttnBias, C, 2 * C) },
      v: { weight: columnsAsRows(cAttn, 2 * C, 3 * C), bias: slice(cAttnBias, 2 * C, 3 * C) },
      o: { weight: transpose(get(`${h}attn.c_proj.weight`, [C, C])), bias: get(`${h}attn.c_proj.bias`, [C]) },
      norm2: { weight: get(`${h}ln_2.weight`, [C]), bias: get(`${h}ln_2.bias`, [C]) },
      up: { weight: transpose(get(`${h}mlp.c_fc.weight`, [C, I])), bias: get(`${h}mlp.c_fc.bias`, [I]) },
      down: { weight: transpose(get(`${h}mlp.c_proj.weight`, [I, C])), bias: get(`${h}mlp.c_proj.bias`, [C]) },
    });
  }
  const embed = get('wte.weight', [cfg.vocabSize, C]);
  return {
    embed,
    positions: get('wpe.weight', [cfg.maxPositions, C]),
    layers,
    finalNorm: { weight: get('ln_f.weight', [C]), bias: get('ln_f.bias', [C]) },
    lmHead: embed, // GPT-2's head is always tied to wte
  };
}
