// The studio's own checkpoint (PEFT cannot resume a prompt adapter): a zip of checkpoint.json (method,
// hyper-parameters, step, data order, RNG state, loss history) and params.safetensors (every raw trainable
// tensor as `param/<name>`, AdamW moments as `adam_m/<name>` and `adam_v/<name>`). A run resumes exactly.
import { unzipSync, zipSync, strFromU8, strToU8 } from 'fflate';
import { parseSafetensors, writeSafetensors } from '../../engine/io/safetensors.ts';
import type { Tensor } from '../../engine/model/weights.ts';
import type { TrainerState } from '../trainer.ts';

const FORMAT = 'soft-prompt-studio-checkpoint/1';

export function writeCheckpoint(state: TrainerState): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(state.params)) {
    tensors[`param/${name}`] = t;
    tensors[`adam_m/${name}`] = { shape: t.shape, data: state.optimizer.m[name] };
    tensors[`adam_v/${name}`] = { shape: t.shape, data: state.optimizer.v[name] };
  }
  const meta = {
    format: FORMAT,
    options: state.options,
    config: state.config,
    step: state.step,
    optimizerStep: state.optimizer.step,
    dataOrder: state.dataOrder,
    dataCursor: state.dataCursor,
    rngState: state.rngState,
    losses: state.losses,
  };
  return zipSync({ 'checkpoint.json': strToU8(JSON.stringify(meta)), 'params.safetensors': writeSafetensors(tensors) });
}

export function readCheckpoint(bytes: Uint8Array): TrainerState {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new Error(`not a studio checkpoint (the file is not a zip: ${(e as Error).message})`, { cause: e });
  }
  if (!entries['checkpoint.json'] || !entries['params.safetensors'])
    throw new Error('not a studio checkpoint: checkpoint.json or params.safetensors is missing (a PEFT adapter cannot resume training)');
  const meta = JSON.parse(strFromU8(entries['checkpoint.json'])) as Omit<TrainerState, 'params' | 'optimizer'> & { format: string; optimizerStep: number };
  if (meta.format !== FORMAT) throw new Error(`unknown checkpoint format ${meta.format}`);
  const st = parseSafetensors(entries['params.safetensors']);
  const params: Record<string, Tensor> = {};
  const m: Record<string, Float32Array> = {};
  const v: Record<string, Float32Array> = {};
  for (const key of st.names()) {
    const [kind, ...rest] = key.split('/');
    const name = rest.join('/');
    const t = st.tensor(key);
    if (kind === 'param') params[name] = t;
    else if (kind === 'adam_m') m[name] = t.data;
    else if (kind === 'adam_v') v[name] = t.data;
  }
  return {
    options: meta.options,
    config: meta.config,
    step: meta.step,
    params,
    optimizer: { step: meta.optimizerStep, m, v },
    dataOrder: meta.dataOrder,
    dataCursor: meta.dataCursor,
    rngState: meta.rngState,
    losses: meta.losses,
  };
}
