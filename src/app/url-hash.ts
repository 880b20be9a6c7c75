// The setup in the URL hash, as TensorFlow Playground does, so a workshop can share an exact configuration:
// `#method=prefix&tokens=8&lr=0.01&steps=100&…&template=Review%3A%20%7Binput%7D&dataset=sst2`. A shared link
// (share-link.ts) also carries the data: a sample's id (`dataset=`) or a small table itself (`data=`,
// shared-table.ts). Reading setup fields is forgiving: unknown keys and bad values are ignored, each field falls
// back to the current setup, and readSharedHash names what it ignored; a hash that cannot be a shared setup (too
// long, a table that does not unpack, a dataset id that is no id) is refused whole, with a sentence.
import { METHOD_NAMES, type HyperParams, type MethodName } from './defaults.ts';
import type { DataRow, MethodOptionsByName, Setup } from './project.ts';
import { decodeTable, kib, SHARED_TABLE_LIMIT } from './shared-table.ts';

// Short hash keys for the hyper-parameters (stable: shared links depend on them).
const HYPER_KEYS: { [K in keyof HyperParams]: string } = {
  learningRate: 'lr',
  weightDecay: 'wd',
  beta1: 'b1',
  beta2: 'b2',
  warmupSteps: 'warmup',
  schedule: 'schedule',
  clipNorm: 'clip',
  batchSize: 'batch',
  steps: 'steps',
  evalEvery: 'evalEvery',
  earlyStopPatience: 'patience',
  seed: 'trainSeed',
  promptDropout: 'dropout',
  evalLimit: 'evalLimit',
};

const SCHEDULES: HyperParams['schedule'][] = ['constant', 'linear', 'cosine'];

export function setupToHash(s: Setup): string {
  const q = new URLSearchParams();
  q.set('method', s.method);
  // The chosen method's options, prefixed `m.` (virtualTokens, init, encoder, …).
  for (const [k, v] of Object.entries(s.methodOptions[s.method])) if (k !== 'method') q.set(`m.${k}`, String(v));
  for (const k of Object.keys(HYPER_KEYS) as (keyof HyperParams)[]) q.set(HYPER_KEYS[k], String(s.hyper[k]));
  q.set('template', s.template);
  if (s.datasetId) q.set('dataset', s.datasetId);
  q.set('split', String(s.validationFraction));
  q.set('seed', String(s.dataSeed));
  return q.toString();
}

/** Coerces a hash value to the type of the value it replaces; null when it does not fit. */
function coerce(raw: string, like: unknown): unknown {
  if (typeof like === 'number') {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : null;
  }
  if (typeof like === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : null;
  return raw;
}

const ENUMS: Record<string, string[]> = { init: ['random', 'vocab', 'text'], encoder: ['MLP', 'LSTM'] };

/** The setup a hash describes, over `base`; null when the hash holds no setup. */
export function setupFromHash(hash: string, base: Setup): Setup | null {
  return readSetup(new URLSearchParams(hash.replace(/^#/, '')), base, []);
}

/** Reads the setup fields of `q` over `base`; each value it cannot use is named in `ignored` (key “value”). */
function readSetup(q: URLSearchParams, base: Setup, ignored: string[]): Setup | null {
  const methodRaw = q.get('method');
  if (methodRaw === null) return null;
  const skip = (key: string, raw: string) => ignored.push(`${key} “${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}”`);
  const known = (METHOD_NAMES as string[]).includes(methodRaw);
  if (!known) skip('method', methodRaw);
  const method: MethodName = known ? (methodRaw as MethodName) : base.method;
  const options: Record<string, unknown> = { ...base.methodOptions[method] };
  for (const [k, like] of Object.entries(base.methodOptions[method])) {
    const raw = q.get(`m.${k}`);
    if (k === 'method' || raw === null) continue;
    const v = coerce(raw, like);
    if (v !== null && (!ENUMS[k] || ENUMS[k].includes(String(v)))) options[k] = v;
    else skip(`m.${k}`, raw);
  }
  const hyper: Record<string, unknown> = { ...base.hyper };
  for (const k of Object.keys(HYPER_KEYS) as (keyof HyperParams)[]) {
    const raw = q.get(HYPER_KEYS[k]);
    if (raw === null) continue;
    const v = coerce(raw, base.hyper[k]);
    if (v !== null && (k !== 'schedule' || SCHEDULES.includes(v as HyperParams['schedule']))) hyper[k] = v;
    else skip(HYPER_KEYS[k], raw);
  }
  const num = (key: string, fallback: number) => {
    const raw = q.get(key);
    if (raw === null) return fallback;
    const v = coerce(raw, fallback);
    if (typeof v === 'number') return v;
    skip(key, raw);
    return fallback;
  };
  return {
    method,
    methodOptions: { ...base.methodOptions, [method]: options } as MethodOptionsByName,
    hyper: hyper as unknown as HyperParams,
    template: q.get('template') ?? base.template,
    datasetId: q.get('dataset') ?? base.datasetId,
    validationFraction: num('split', base.validationFraction),
    dataSeed: num('seed', base.dataSeed),
  };
}

/** The most a hash may hold: the largest table a link carries plus room for the setup and a long template. */
export const SHARED_HASH_LIMIT = SHARED_TABLE_LIMIT + 8192;

/** What a hash opens: nothing (a plain visit, an in-page anchor), a setup with its data, or a refusal. */
export type SharedHash =
  | { kind: 'none' }
  /** `rows`: the link's own table (then datasetId is null); `ignored`: values it held that were not usable. */
  | { kind: 'setup'; setup: Setup; rows: DataRow[] | null; ignored: string[] }
  | { kind: 'rejected'; reason: string };

/** Reads a hash from a link anyone could have written. Never throws; a refusal says why in a sentence. */
export function readSharedHash(hash: string, base: Setup): SharedHash {
  if (hash.length > SHARED_HASH_LIMIT + 1)
    return { kind: 'rejected', reason: `The link's setup is ${kib(hash.length)} long, more than a shared setup holds (${kib(SHARED_HASH_LIMIT)}); nothing of it was applied.` };
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const ignored: string[] = [];
  const setup = readSetup(q, base, ignored);
  if (setup === null) {
    return q.has('data') || q.has('dataset')
      ? { kind: 'rejected', reason: "The link carries data but no setup (its method=… is missing): it was cut on the way; nothing of it was applied." }
      : { kind: 'none' };
  }
  const refuse = (why: string): SharedHash => ({ kind: 'rejected', reason: `${why} Nothing of the link was applied.` });
  const dataset = q.get('dataset');
  if (dataset !== null && !/^[A-Za-z0-9_.-]{1,80}$/.test(dataset)) return refuse(`The link names the dataset “${dataset.slice(0, 40)}”, which is not a sample's id.`);
  const data = q.get('data');
  if (data === null) return { kind: 'setup', setup, rows: null, ignored };
  if (dataset !== null) return refuse('The link carries both a sample (dataset=…) and a table (data=…), which a shared link never does.');
  const table = decodeTable(data);
  if ('problem' in table) return refuse(table.problem);
  return { kind: 'setup', setup: { ...setup, datasetId: null }, rows: table.rows, ignored };
}

export function pickSetup(p: Setup): Setup {
  const { method, methodOptions, hyper, template, datasetId, validationFraction, dataSeed } = p;
  return { method, methodOptions, hyper, template, datasetId, validationFraction, dataSeed };
}
