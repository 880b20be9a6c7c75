// The PEFT adapter download: adapter_config.json + adapter_model.safetensors (one tensor, prompt_embeddings,
// (P, token_dim) for prompt / P-tuning, (P, L·2·KVH·hd) for prefix), zipped with both files at the root — the
// folder layout `PeftModel.from_pretrained(model, dir)` reads. Import reads the same files back and checks them
// against the loaded model.
import { unzipSync, zipSync, strFromU8, strToU8 } from 'fflate';
import type { ModelConfig } from '../../engine/model/config.ts';
import { prefixRowWidth } from '../../engine/model/config.ts';
import type { Tensor } from '../../engine/model/weights.ts';
import { parseSafetensors, writeSafetensors } from '../../engine/io/safetensors.ts';
import type { PeftConfig } from './peft-config.ts';

export interface AdapterFiles {
  'adapter_config.json': Uint8Array;
  'adapter_model.safetensors': Uint8Array;
}

export function buildAdapterFiles(table: Tensor, config: PeftConfig): AdapterFiles {
  return {
    'adapter_config.json': strToU8(JSON.stringify(config, null, 2)),
    'adapter_model.safetensors': writeSafetensors({ prompt_embeddings: table }),
  };
}

export function zipAdapter(files: AdapterFiles): Uint8Array {
  return zipSync({ ...files });
}

export interface ImportedAdapter {
  config: PeftConfig;
  table: Tensor;
  kind: 'prompt' | 'prefix'; // how the engine consumes it (P-tuning exports are prompt tables)
}

/** Reads a zipped adapter (or the two files) and checks it fits `cfg`; errors say what is wrong. */
export function readAdapter(input: Uint8Array | AdapterFiles, cfg: ModelConfig): ImportedAdapter {
  let files: Partial<AdapterFiles>;
  if (input instanceof Uint8Array) {
    const entries = unzipSync(input);
    const find = (name: string) => Object.entries(entries).find(([k]) => k === name || k.endsWith(`/${name}`))?.[1];
    files = { 'adapter_config.json': find('adapter_config.json'), 'adapter_model.safetensors': find('adapter_model.safetensors') };
  } else files = input;
  if (!files['adapter_config.json']) throw new Error('adapter_config.json is missing from the adapter');
  if (!files['adapter_model.safetensors']) throw new Error('adapter_model.safetensors is missing from the adapter');
  const config = JSON.parse(strFromU8(files['adapter_config.json'])) as PeftConfig;
  const type = config.peft_type;
  if (type !== 'PROMPT_TUNING' && type !== 'PREFIX_TUNING' && type !== 'P_TUNING')
    throw new Error(`peft_type ${String(type)} is not a prompt-learning adapter (supported: PROMPT_TUNING, PREFIX_TUNING, P_TUNING)`);
  const st = parseSafetensors(files['adapter_model.safetensors']);
  if (!st.names().includes('prompt_embeddings')) throw new Error('adapter_model.safetensors has no prompt_embeddings tensor');
  const table = st.tensor('prompt_embeddings');
  const P = Number(config.num_virtual_tokens);
  const width = type === 'PREFIX_TUNING' ? prefixRowWidth(cfg) : cfg.hidden;
  if (table.shape[0] !== P || table.shape[1] !== width)
    throw new Error(`prompt_embeddings is [${table.shape.join(', ')}] but this model needs [${P}, ${width}] for ${type}; was it trained for another model?`);
  return { config, table, kind: type === 'PREFIX_TUNING' ? 'prefix' : 'prompt' };
}
