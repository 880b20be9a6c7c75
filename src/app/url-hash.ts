// The setup (not the data) in the URL hash, as TensorFlow Playground does, so a workshop can share an exact
// configuration: `#method=prefix&tokens=8&lr=0.01&steps=100&…&template=Review%3A%20%7Binput%7D&dataset=sst2`.
// Reading is forgiving: unknown keys and bad values are ignored, each field falls back to the current setup.
import { METHOD_NAMES, type HyperParams, type MethodName } from './defaults.ts';
import type { MethodOptionsByName, Setup } from './project.ts';

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
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const methodRaw = q.get('method');
  if (methodRaw === null) return null;
  const method: MethodName = (METHOD_NAMES as string[]).includes(methodRaw) ? (methodRaw as MethodName) : base.method;
  const options: Record<string, unknown> = { ...base.methodOptions[method] };
  for (const [k, like] of Object.entries(base.methodOptions[method])) {
    const raw = q.get(`m.${k}`);
    if (k === 'method' || raw === null) continue;
    const v = coerce(raw, like);
    if (v !== null && (!ENUMS[k] || ENUMS[k].includes(String(v)))) options[k] = v;
  }
  const hyper: Record<string, unknown> = { ...base.hyper };
  for (const k of Object.keys(HYPER_KEYS) as (keyof HyperParams)[]) {
    const raw = q.get(HYPER_KEYS[k]);
    if (raw === null) continue;
    const v = coerce(raw, base.hyper[k]);
    if (v !== null && (k !== 'schedule' || SCHEDULES.includes(v as HyperParams['schedule']))) hyper[k] = v;
  }
  const num = (key: string, fallback: number) => {
    const v = coerce(q.get(key) ?? '', fallback);
    return typeof v === 'number' ? v : fallback;
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

export function pickSetup(p: Setup): Setup {
  const { method, methodOptions, hyper, template, datasetId, validationFraction, dataSeed } = p;
  return { method, methodOptions, hyper, template, datasetId, validationFraction, dataSeed };
}
