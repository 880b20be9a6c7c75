// The PEFT adapter download: adapter_config.json + adapter_model.safetensors holding one tensor,
// `prompt_embeddings` — (P, C) for prompt tuning and P-tuning (the encoder's output, as PEFT saves it),
// (P, L·2·KVH·hd) for prefix tuning (the projected table when a projection MLP was used). Zipped with both
// files at the root: unzipped into a folder, it is exactly what `PeftModel.from_pretrained(model, folder)`
// reads. Beside them, `row_format.json` says how a row was built (data/row-format.ts: template, special tokens
// of the prompt, answer's leading space, EOS / end of turn, chat template) so Python rebuilds the same rows;
// PEFT ignores files it does not know, and adapter_config.json stays exactly PEFT's.
// Import reads the same files back (a zip, or the two files) and checks them against the loaded model.
// Letters: P virtual tokens, C hidden, L layers, KVH key-value heads, hd head dim.
import { unzipSync, zipSync, strFromU8, strToU8, type Zippable } from 'fflate';
import type { ModelConfig } from '../../engine/model/config.ts';
import { prefixRowWidth } from '../../engine/model/config.ts';
import type { Tensor } from '../../engine/model/weights.ts';
import { parseSafetensors, writeSafetensors } from '../../engine/io/safetensors.ts';
import { peftConfigJson, peftDims, type PeftConfig } from './peft-config.ts';
import { cardForPeftType, methodCards, type MethodCard } from '../methods/cards/index.ts';

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';
export const PROMPT_TENSOR = 'prompt_embeddings';
export const ROW_FORMAT = 'row_format.json';

export interface AdapterFiles {
  'adapter_config.json': Uint8Array;
  'adapter_model.safetensors': Uint8Array;
}

export class AdapterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterError';
  }
}

/** The width of a `prompt_embeddings` row PEFT expects for this method on this model. */
export function tableWidth(cfg: ModelConfig, card: Pick<MethodCard, 'engineInput'>): number {
  return card.engineInput === 'prefix' ? prefixRowWidth(cfg) : cfg.hidden;
}

export function buildAdapterFiles(table: Tensor, config: PeftConfig): AdapterFiles {
  const P = config.num_virtual_tokens;
  if (table.shape.length !== 2 || table.shape[0] !== P)
    throw new AdapterError(`prompt_embeddings is [${table.shape.join(', ')}] but the config says ${P} virtual tokens`);
  return {
    [ADAPTER_CONFIG]: strToU8(peftConfigJson(config)),
    [ADAPTER_WEIGHTS]: writeSafetensors({ [PROMPT_TENSOR]: table }),
  };
}

// A fixed timestamp makes the same adapter give the same bytes (zip stores DOS times, which start in 1980).
const ZIP_TIME = new Date(1980, 0, 2);

/** Both files at the root of the zip (a folder inside would not be a PEFT adapter directory once unzipped), with
 *  `rowFormat` (the row recipe) as row_format.json when given, and `extra` files by their path (PEFT ignores
 *  them: the continue-in-peft/ folder). */
export function zipAdapter(files: AdapterFiles, rowFormat?: object, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const entries: Zippable = {
    [ADAPTER_CONFIG]: [files[ADAPTER_CONFIG], { mtime: ZIP_TIME }],
    [ADAPTER_WEIGHTS]: [files[ADAPTER_WEIGHTS], { mtime: ZIP_TIME }],
  };
  if (rowFormat) entries[ROW_FORMAT] = [strToU8(`${JSON.stringify(rowFormat, null, 2)}\n`), { mtime: ZIP_TIME }];
  for (const [path, bytes] of Object.entries(extra)) entries[path] = [bytes, { mtime: ZIP_TIME }];
  return zipSync(entries, { level: 6 });
}

export interface AdapterSummary {
  peft_type: PeftConfig['peft_type'];
  base_model_name_or_path: string | null;
  num_virtual_tokens: number;
  shape: number[]; // of prompt_embeddings
  files: { name: string; bytes: number }[];
  stats: { min: number; max: number; mean: number; rms: number };
  rowNorms: number[]; // L2 norm of each virtual token's row (P)
}

/** A JSON-friendly description of an adapter, for the results panel and the summary download. */
export function adapterSummary(table: Tensor, config: PeftConfig, files?: AdapterFiles): AdapterSummary {
  const d = table.data;
  const [P, W] = table.shape;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < d.length; i++) {
    min = Math.min(min, d[i]);
    max = Math.max(max, d[i]);
    sum += d[i];
    sq += d[i] * d[i];
  }
  const rowNorms = Array.from({ length: P }, (_, p) => {
    let s = 0;
    for (let w = 0; w < W; w++) s += d[p * W + w] ** 2;
    return Math.sqrt(s);
  });
  return {
    peft_type: config.peft_type,
    base_model_name_or_path: config.base_model_name_or_path,
    num_virtual_tokens: config.num_virtual_tokens,
    shape: [...table.shape],
    files: files ? Object.entries(files).map(([name, bytes]) => ({ name, bytes: (bytes as Uint8Array).byteLength })) : [],
    stats: { min, max, mean: d.length ? sum / d.length : NaN, rms: d.length ? Math.sqrt(sq / d.length) : NaN },
    rowNorms,
  };
}

export interface ImportedAdapter {
  config: PeftConfig;
  table: Tensor;
  kind: 'prompt' | 'prefix'; // how the engine consumes it (a P-tuning export is a prompt table)
}

/** Finds the two adapter files in a zip (at the root, or in one folder) or in a set of named files. */
export function adapterFilesFrom(input: Uint8Array | Record<string, Uint8Array>): AdapterFiles {
  let entries: Record<string, Uint8Array>;
  if (input instanceof Uint8Array) {
    try {
      entries = unzipSync(input);
    } catch (e) {
      throw new AdapterError(`the adapter is not a zip file (${(e as Error).message}); pick the .zip or the two files ${ADAPTER_CONFIG} and ${ADAPTER_WEIGHTS}`);
    }
  } else entries = input;
  const find = (name: string) => {
    const hits = Object.keys(entries).filter((k) => k === name || k.endsWith(`/${name}`) || k.endsWith(`\\${name}`));
    if (hits.length > 1) throw new AdapterError(`found ${hits.length} copies of ${name} (${hits.join(', ')}); give one adapter at a time`);
    return hits.length ? entries[hits[0]] : undefined;
  };
  const config = find(ADAPTER_CONFIG);
  const weights = find(ADAPTER_WEIGHTS);
  const missing = [config ? null : ADAPTER_CONFIG, weights ? null : ADAPTER_WEIGHTS].filter(Boolean);
  if (!config || !weights)
    throw new AdapterError(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing from the adapter (found: ${Object.keys(entries).join(', ') || 'nothing'})`);
  return { [ADAPTER_CONFIG]: config, [ADAPTER_WEIGHTS]: weights };
}

/** Checks an adapter_config.json object against the model; every problem in one message. */
export function checkPeftConfig(raw: unknown, cfg: ModelConfig): PeftConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AdapterError(`${ADAPTER_CONFIG} is not a JSON object`);
  const c = raw as Record<string, unknown>;
  const type = c.peft_type;
  const card = cardForPeftType(type);
  if (!card)
    throw new AdapterError(`peft_type ${JSON.stringify(type)} is not a prompt-learning adapter (supported: ${methodCards().map((m) => m.peftType).join(', ')})`);
  const problems: string[] = [];
  if (c.task_type !== undefined && c.task_type !== null && c.task_type !== 'CAUSAL_LM')
    problems.push(`task_type is ${JSON.stringify(c.task_type)}; only CAUSAL_LM adapters run on a decoder-only model`);
  const P = c.num_virtual_tokens;
  if (!(typeof P === 'number' && Number.isInteger(P) && P >= 1)) problems.push(`num_virtual_tokens must be a whole number ≥ 1 (got ${JSON.stringify(P)})`);
  const { tokenDim, heads } = peftDims(cfg, card);
  const kvDims = card.peftKeyValueDims && cfg.family !== 'gpt2';
  const expect = (key: string, want: number, what: string) => {
    if (c[key] !== undefined && c[key] !== null && c[key] !== want) problems.push(`${key} is ${JSON.stringify(c[key])} but this model has ${want} (${what})`);
  };
  expect('num_layers', cfg.layers, 'layers');
  expect('token_dim', tokenDim, kvDims ? 'key-value heads × head dim' : 'hidden size');
  expect('num_attention_heads', heads, kvDims ? 'key-value heads' : 'attention heads');
  expect('num_transformer_submodules', 1, 'a decoder-only model');
  if (problems.length) throw new AdapterError(`this ${type} adapter does not fit the loaded model: ${problems.join('; ')}. Was it trained for another model?`);
  return c as unknown as PeftConfig;
}

/** Reads a zipped adapter (or its two files) and checks it fits `cfg`; errors say what is wrong. */
export function readAdapter(input: Uint8Array | Record<string, Uint8Array>, cfg: ModelConfig): ImportedAdapter {
  const files = adapterFilesFrom(input);
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(files[ADAPTER_CONFIG]));
  } catch (e) {
    throw new AdapterError(`${ADAPTER_CONFIG} is not valid JSON: ${(e as Error).message}`);
  }
  const config = checkPeftConfig(raw, cfg);
  let st;
  try {
    st = parseSafetensors(files[ADAPTER_WEIGHTS]);
  } catch (e) {
    throw new AdapterError(`${ADAPTER_WEIGHTS}: ${(e as Error).message}`);
  }
  if (!st.names().includes(PROMPT_TENSOR))
    throw new AdapterError(`${ADAPTER_WEIGHTS} has no ${PROMPT_TENSOR} tensor (found: ${st.names().join(', ') || 'none'}); is this a LoRA or other non-prompt adapter?`);
  const table = st.tensor(PROMPT_TENSOR);
  const P = config.num_virtual_tokens;
  const card = cardForPeftType(config.peft_type)!; // checkPeftConfig refused any other
  const width = tableWidth(cfg, card);
  if (table.shape.length !== 2 || table.shape[0] !== P || table.shape[1] !== width)
    throw new AdapterError(`${PROMPT_TENSOR} is [${table.shape.join(', ')}] but this model needs [${P}, ${width}] for ${config.peft_type}; was it trained for another model?`);
  return { config, table, kind: card.engineInput };
}
