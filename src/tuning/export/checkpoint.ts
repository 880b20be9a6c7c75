// The studio's own checkpoint (PEFT cannot resume training from a prompt adapter): a zip of
//   checkpoint.json     format, method options, training config, step, optimiser (name, hyper-parameters,
//                       step), learning-rate schedule, RNG seed and state, data order and cursor, loss history,
//                       and optionally the model it was trained on;
//   params.safetensors  every raw trainable tensor as `param/<name>` (encoder weights included, not just the
//                       exported table), AdamW moments as `adam_m/<name>` and `adam_v/<name>`, all F32.
// Written from a TrainerState and read back into one, from which `new Trainer(...)` continues exactly.
import { unzipSync, zipSync, strFromU8, strToU8, type Zippable } from 'fflate';
import { parseSafetensors, writeSafetensors } from '../../engine/io/safetensors.ts';
import type { Tensor } from '../../engine/model/weights.ts';
import type { TrainerState } from '../trainer.ts';

export const CHECKPOINT_FORMAT = 'soft-prompt-studio-checkpoint/1';
export const CHECKPOINT_JSON = 'checkpoint.json';
export const CHECKPOINT_TENSORS = 'params.safetensors';

// The trainer's AdamW epsilon (torch default); recorded so the file says everything the update used.
const ADAM_EPS = 1e-8;

/** Which model a checkpoint belongs to, so resuming on another one fails with a sentence. */
export interface CheckpointModel {
  name: string;
  family: string;
  hidden: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
}

/** "A (hidden 64), not on B (hidden 128)" when two models differ in shape, else null. Names alone may differ. */
export function modelMismatch(saved: CheckpointModel, current: CheckpointModel): string | null {
  const diff = (Object.keys(current) as (keyof CheckpointModel)[]).filter((k) => k !== 'name' && current[k] !== saved[k]);
  if (diff.length === 0) return null;
  const list = (m: CheckpointModel) => diff.map((k) => `${k} ${m[k]}`).join(', ');
  return `${saved.name} (${list(saved)}), not on ${current.name} (${list(current)})`;
}

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  method: TrainerState['options'];
  config: TrainerState['config'];
  step: number;
  optimizer: { name: 'AdamW'; step: number; beta1: number; beta2: number; eps: number; weightDecay: number };
  schedule: { kind: TrainerState['config']['schedule']; learningRate: number; warmupSteps: number; totalSteps: number };
  seed: number;
  rngState: number[];
  dataOrder: number[];
  dataCursor: number;
  losses: number[];
  model: CheckpointModel | null;
  params: { name: string; shape: number[] }[];
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

const ZIP_TIME = new Date(1980, 0, 2);

export function checkpointMeta(state: TrainerState, model: CheckpointModel | null = null): CheckpointMeta {
  const c = state.config;
  return {
    format: CHECKPOINT_FORMAT,
    method: state.options,
    config: c,
    step: state.step,
    optimizer: { name: 'AdamW', step: state.optimizer.step, beta1: c.beta1, beta2: c.beta2, eps: ADAM_EPS, weightDecay: c.weightDecay },
    schedule: { kind: c.schedule, learningRate: c.learningRate, warmupSteps: c.warmupSteps, totalSteps: c.steps },
    seed: c.seed,
    rngState: state.rngState,
    dataOrder: state.dataOrder,
    dataCursor: state.dataCursor,
    losses: state.losses,
    model,
    params: Object.entries(state.params).map(([name, t]) => ({ name, shape: [...t.shape] })),
  };
}

export function writeCheckpoint(state: TrainerState, model: CheckpointModel | null = null): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(state.params)) {
    const m = state.optimizer.m[name];
    const v = state.optimizer.v[name];
    if (!m || !v || m.length !== t.data.length || v.length !== t.data.length)
      throw new CheckpointError(`internal: optimiser state for ${name} is missing or has the wrong size`);
    tensors[`param/${name}`] = t;
    tensors[`adam_m/${name}`] = { shape: t.shape, data: m };
    tensors[`adam_v/${name}`] = { shape: t.shape, data: v };
  }
  const entries: Zippable = {
    [CHECKPOINT_JSON]: [strToU8(JSON.stringify(checkpointMeta(state, model), null, 1)), { mtime: ZIP_TIME }],
    [CHECKPOINT_TENSORS]: [writeSafetensors(tensors, { format: 'pt', producer: CHECKPOINT_FORMAT }), { mtime: ZIP_TIME }],
  };
  return zipSync(entries, { level: 6 });
}

export interface ReadCheckpoint {
  state: TrainerState;
  meta: CheckpointMeta;
}

/** Reads a checkpoint with its metadata; `expectModel` (when given) must match the one it was trained on. */
export function readCheckpointFile(bytes: Uint8Array, expectModel?: CheckpointModel): ReadCheckpoint {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new CheckpointError(`not a studio checkpoint (the file is not a zip: ${(e as Error).message})`);
  }
  if (!entries[CHECKPOINT_JSON] || !entries[CHECKPOINT_TENSORS]) {
    const peft = Object.keys(entries).some((k) => k.endsWith('adapter_config.json'));
    throw new CheckpointError(
      peft
        ? 'this is a PEFT adapter, not a studio checkpoint: PEFT adapters hold only the exported table, so training cannot resume from them exactly; use “Import a PEFT adapter” for it, or pick the -checkpoint.zip the studio saved beside it'
        : `not a studio checkpoint: ${CHECKPOINT_JSON} or ${CHECKPOINT_TENSORS} is missing`,
    );
  }
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(strFromU8(entries[CHECKPOINT_JSON])) as CheckpointMeta;
  } catch (e) {
    throw new CheckpointError(`${CHECKPOINT_JSON} is not valid JSON: ${(e as Error).message}`);
  }
  if (meta.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`unknown checkpoint format ${JSON.stringify(meta.format)} (this studio reads ${CHECKPOINT_FORMAT})`);
  if (expectModel && meta.model) {
    const mismatch = modelMismatch(meta.model, expectModel);
    if (mismatch) throw new CheckpointError(`this checkpoint was trained on ${mismatch}`);
  }
  const st = parseSafetensors(entries[CHECKPOINT_TENSORS]);
  const params: Record<string, Tensor> = {};
  const m: Record<string, Float32Array> = {};
  const v: Record<string, Float32Array> = {};
  for (const key of st.names()) {
    const slash = key.indexOf('/');
    const kind = key.slice(0, slash);
    const name = key.slice(slash + 1);
    if (kind === 'param') params[name] = st.tensor(key);
    else if (kind === 'adam_m') m[name] = st.tensor(key).data;
    else if (kind === 'adam_v') v[name] = st.tensor(key).data;
  }
  for (const { name, shape } of meta.params ?? []) {
    const t = params[name];
    if (!t) throw new CheckpointError(`${CHECKPOINT_TENSORS} has no tensor param/${name}`);
    if (t.shape.join() !== shape.join()) throw new CheckpointError(`param/${name} is [${t.shape.join(', ')}] but ${CHECKPOINT_JSON} says [${shape.join(', ')}]`);
  }
  for (const [name, t] of Object.entries(params))
    for (const [which, r] of [['adam_m', m], ['adam_v', v]] as const)
      if (!r[name] || r[name].length !== t.data.length) throw new CheckpointError(`${CHECKPOINT_TENSORS}: ${which}/${name} is missing or has the wrong size`);
  const state: TrainerState = {
    options: meta.method,
    config: meta.config,
    step: meta.step,
    params,
    optimizer: { step: meta.optimizer.step, m, v },
    dataOrder: meta.dataOrder,
    dataCursor: meta.dataCursor,
    rngState: meta.rngState,
    losses: meta.losses,
  };
  return { state, meta };
}

/** The TrainerState of a checkpoint (the session's entry point). */
export function readCheckpoint(bytes: Uint8Array): TrainerState {
  return readCheckpointFile(bytes).state;
}
