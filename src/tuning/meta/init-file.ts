// A saved initialisation ("init: meta-learned <name>"): the starting parameters a meta-training (or multitask)
// run produced, for one method on one model. One safetensors file:
//   param/<name>      every trainable tensor of the method (the prompt table; encoder weights for P-tuning)
//   step_size/<name>  Meta-SGD's learned per-parameter step sizes, when it was used
//   __metadata__      `soft_prompt_studio_init`: JSON with the format, name, method options, model, and how it
//                     was made (algorithm, tasks, the held-out task, the meta-training config)
import { parseSafetensors, writeSafetensors, SafetensorsError } from '../../engine/io/safetensors.ts';
import type { Tensor } from '../../engine/model/weights.ts';
import type { Params } from '../nn/dense.ts';
import type { MethodOptions } from '../methods/method.ts';
import { modelMismatch, type CheckpointModel } from '../export/checkpoint.ts';

export const INIT_FORMAT = 'soft-prompt-studio-init/1';
const META_KEY = 'soft_prompt_studio_init';

export interface InitProvenance {
  algorithm: 'fomaml' | 'reptile' | 'multitask';
  metaSgd: boolean;
  tasks: string[];
  heldOut: string | null;
  outerSteps: number;
  config: Record<string, unknown>;
  /** Meta-objective per outer step (query loss after adaptation), for the record. */
  queryLosses: number[];
}

export interface MetaInit {
  name: string;
  method: MethodOptions;
  model: CheckpointModel;
  provenance: InitProvenance;
  params: Params;
  stepSizes: Record<string, Float32Array> | null;
}

interface InitMeta extends Omit<MetaInit, 'params' | 'stepSizes'> {
  format: typeof INIT_FORMAT;
  params: { name: string; shape: number[] }[];
}

export class InitFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InitFileError';
  }
}

export function writeInitFile(init: MetaInit): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(init.params)) tensors[`param/${name}`] = t;
  for (const [name, a] of Object.entries(init.stepSizes ?? {})) tensors[`step_size/${name}`] = { shape: [...init.params[name].shape], data: a };
  const meta: InitMeta = {
    format: INIT_FORMAT,
    name: init.name,
    method: init.method,
    model: init.model,
    provenance: init.provenance,
    params: Object.entries(init.params).map(([name, t]) => ({ name, shape: [...t.shape] })),
  };
  return writeSafetensors(tensors, { [META_KEY]: JSON.stringify(meta) });
}

/** Reads an initialisation file; with `expectModel`, refuses one made on a model of another shape. */
export function readInitFile(bytes: Uint8Array, expectModel?: CheckpointModel): MetaInit {
  let file;
  try {
    file = parseSafetensors(bytes);
  } catch (e) {
    throw new InitFileError(`not an initialisation file: ${e instanceof SafetensorsError ? e.message : String(e)}`);
  }
  const raw = file.metadata[META_KEY];
  if (!raw) throw new InitFileError(`not a studio initialisation file: its safetensors metadata has no ${META_KEY} (a PEFT adapter? import it on the export panel instead)`);
  let meta: InitMeta;
  try {
    meta = JSON.parse(raw) as InitMeta;
  } catch (e) {
    throw new InitFileError(`the initialisation's metadata is not valid JSON: ${(e as Error).message}`);
  }
  if (meta.format !== INIT_FORMAT) throw new InitFileError(`unknown initialisation format ${JSON.stringify(meta.format)} (this studio reads ${INIT_FORMAT})`);
  if (expectModel) {
    const mismatch = modelMismatch(meta.model, expectModel);
    if (mismatch) throw new InitFileError(`initialisation "${meta.name}" was made on ${mismatch}: meta-train again on this model`);
  }
  const params: Params = {};
  let stepSizes: Record<string, Float32Array> | null = null;
  for (const { name, shape } of meta.params) {
    if (!file.names().includes(`param/${name}`)) throw new InitFileError(`initialisation "${meta.name}" has no tensor param/${name}`);
    const t = file.tensor(`param/${name}`);
    if (t.shape.join() !== shape.join()) throw new InitFileError(`param/${name} is [${t.shape.join(', ')}] but the metadata says [${shape.join(', ')}]`);
    params[name] = t;
    if (file.names().includes(`step_size/${name}`)) (stepSizes ??= {})[name] = file.tensor(`step_size/${name}`).data;
  }
  return { name: meta.name, method: meta.method, model: meta.model, provenance: meta.provenance, params, stepSizes };
}

/** Why these parameters cannot start a run of `options` (another method, another number of virtual tokens…), or null. */
export function initMismatch(init: MetaInit, options: MethodOptions): string | null {
  if (init.method.method !== options.method) return `initialisation "${init.name}" is for ${init.method.method} tuning, not ${options.method}`;
  if (init.method.virtualTokens !== options.virtualTokens)
    return `initialisation "${init.name}" has ${init.method.virtualTokens} virtual tokens; set the method's virtual tokens to ${init.method.virtualTokens}`;
  const a = JSON.stringify({ ...init.method, init: undefined, initText: undefined });
  const b = JSON.stringify({ ...options, init: undefined, initText: undefined });
  if (a !== b) return `initialisation "${init.name}" was made with other method options (${a}); match them to use it`;
  return null;
}
