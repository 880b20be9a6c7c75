// npm run train -- --model <dir|hub id> --data <file> --method prompt|prefix|ptuning [--virtual-tokens N]
//   [--steps N] [--lr X] [--batch N] [--seed S] [--template T] [--out DIR] [--json] [--eval-every N] [--dropout P]
//   [--init meta:<file>]   start from a saved initialisation (npm run meta-train writes one)
//   [--eval-limit N]   evaluate on the first N validation examples only (a quick look; every metric line says so);
//   with --json, evaluation progress arrives as {"evaluating": "untuned"|"tuned", "done", "total"} lines
//   [--chat-template | --no-chat-template]   rows through the tokenizer's chat template (default: on for a model
//   whose name says instruct / -it / chat and whose tokenizer has one, off otherwise)
// npm run train -- --method pez|autoprompt [--virtual-tokens N] [--steps N] [--lr X] [--candidates K]: discovers a
//   readable hard prompt instead (cli/discover.ts) and prints it with its validation metrics.
// npm run train -- --method compare [--instruction TEXT] [--shots K]: the readable-prompts table (cli/discover.ts).
// npm run train -- ... --folds K [--seeds N]: K-fold cross-validation over every row (stratified by label for
//   classification), each fold and seed trained from scratch (seeds --seed, --seed+1, …); --seeds N alone repeats
//   the run over N seeds on the dataset's own split. Prints one JSON line per fold and seed and a summary line
//   {"cv": {"accuracy": {"mean", "std", "values"}, ...}, "baseline": {...the untuned model on the same folds}};
//   with --instruction TEXT also "instruction": {...} (that hand-written instruction before the template, same folds).
// npm run train -- ... --curve 8,16,32,64 [--seeds N]: a learning curve: prompts trained from scratch on nested
//   subsets of the training split (labels interleaved, so each prefix is balanced), scored on the validation split;
//   one JSON line per size and seed, then {"curve": [{"examples", "accuracy": {"mean", "std", "values"}, ...}],
//   "baseline": {...the untuned model}}.
// Free-text tasks report exact_match, token_f1, rouge_l and chrf beside accuracy (= exact match); --out also
// writes predictions.jsonl: {input, expected, baseline, tuned} per validation row (classification: with margins).
// Tunes on the same engine and tuning code as the studio, run in headless Chromium (WebGPU; SwiftShader when
// there is no GPU). With --json: one JSON object per evaluation, then the summary line. Writes the PEFT adapter
// (adapter_config.json, adapter_model.safetensors, the zip), the studio checkpoint, the prompt as a key/value cache
// (kv-cache.safetensors) and the transformers.js snippet that uses it (use-with-transformers-js.mjs) into --out,
// and the zip's continue-in-peft/ folder (train.py and what it reads: go on training in Python with PEFT + accelerate).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { KV_CACHE_FILE, SNIPPET_FILE } from '../src/tuning/export/kv-cache.ts';
import { CONTINUE_DIR } from '../src/tuning/export/continue-in-peft.ts';
import { unzipSync } from 'fflate';
import { join, resolve, basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { openHarness, pageErrorMessage, serveLocalDirectory } from './chromium.ts';
import { runComparison, runDiscovery } from './discover.ts';
import { checkTrainConfig, DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../src/tuning/train-config.ts';
import { parseDataset } from '../src/tuning/data/parse.ts';
import { checkTemplate } from '../src/tuning/data/template.ts';
import { METHODS } from '../src/tuning/methods/registry.ts';
import type { MethodOptions } from '../src/tuning/methods/method.ts';
import type { HarnessTrainRequest } from '../test/browser/gpu-harness.ts';

const USAGE = 'usage: npm run train -- --data <file> [--model <dir|hub id>] [--method prompt|prefix|ptuning|pez|autoprompt|compare] [--steps N] [--lr X] … (see the header of cli/train.ts)';

function fail(message: string): never {
  console.error(`train: ${message}`);
  process.exit(2);
}

// A mistyped flag is answered with a sentence and the usage, never a stack trace.
let parsed: ReturnType<typeof parseFlags>;
try {
  parsed = parseFlags();
} catch (e) {
  fail(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\n${USAGE}`);
}
const { values: a } = parsed;

function parseFlags() {
  return parseArgs({
  options: {
    model: { type: 'string', default: 'public/models/demo' },
    data: { type: 'string' },
    method: { type: 'string', default: 'prompt' },
    'virtual-tokens': { type: 'string' },
    steps: { type: 'string' },
    lr: { type: 'string' },
    batch: { type: 'string' },
    seed: { type: 'string' },
    template: { type: 'string' },
    'eval-every': { type: 'string' },
    'eval-limit': { type: 'string' },
    dropout: { type: 'string' },
    init: { type: 'string' },
    candidates: { type: 'string' },
    instruction: { type: 'string' },
    shots: { type: 'string' },
    folds: { type: 'string' },
    curve: { type: 'string' },
    seeds: { type: 'string' },
    'validation-fraction': { type: 'string', default: '0.2' },
    out: { type: 'string', default: 'out' },
    json: { type: 'boolean', default: false },
    'chat-template': { type: 'boolean' },
    'no-chat-template': { type: 'boolean' },
  },
  });
}

if (!a.data) fail('--data <file> is required (CSV, TSV or JSONL with input/output columns)');
if (!existsSync(a.data)) fail(`data file ${a.data} does not exist`);
const discrete = a.method === 'pez' || a.method === 'autoprompt' || a.method === 'compare'; // readable prompts (cli/discover.ts)
const methodName = (discrete ? 'prompt' : a.method) as keyof typeof METHODS;
if (!(methodName in METHODS)) fail(`--method must be one of ${[...Object.keys(METHODS), 'pez', 'autoprompt', 'compare'].join(', ')}`);
const num = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(`--${name} must be a number (got ${v})`);
  return n;
};

// The template: --template, else the sample dataset's own (public/datasets/index.json), else a plain one.
let template = a.template;
if (!template) {
  const index = resolve('public/datasets/index.json');
  if (existsSync(index)) {
    const entries = JSON.parse(readFileSync(index, 'utf8')) as { file: string; template: string }[];
    template = entries.find((e) => basename(e.file) === basename(a.data!))?.template;
  }
}
template ??= 'Input: {input}\nOutput:';

// The data and the template are checked here first, every problem printed with its line (the page would say the
// same after starting Chromium and loading the model).
const validationFraction = num(a['validation-fraction'], 'validation-fraction') ?? 0.2;
if (!(validationFraction >= 0 && validationFraction < 1)) fail(`--validation-fraction must be in [0, 1) (got ${a['validation-fraction']})`);
{
  const parsedData = parseDataset(readFileSync(a.data, 'utf8'), basename(a.data));
  const templateProblem = checkTemplate(template);
  const errors = [...(templateProblem ? [`template: ${templateProblem}`] : []), ...parsedData.errors.map((e) => (e.line > 0 ? e.message : `${a.data}: ${e.message}`))];
  if (errors.length > 0) fail(`${a.data} has ${errors.length} problem${errors.length === 1 ? '' : 's'}:\n${errors.map((m) => `  ${m}`).join('\n')}`);
  for (const w of parsedData.warnings) console.error(`train: warning: ${w.message}`);
}
if (a['chat-template'] && a['no-chat-template']) fail('give --chat-template or --no-chat-template, not both');
const chatTemplate: boolean | 'auto' = a['chat-template'] ? true : a['no-chat-template'] ? false : 'auto';

const defaults = METHODS[methodName].defaults as MethodOptions;
const method = { ...defaults, virtualTokens: num(a['virtual-tokens'], 'virtual-tokens') ?? defaults.virtualTokens } as MethodOptions;
const steps = num(a.steps, 'steps') ?? DEFAULT_TRAIN_CONFIG.steps;
const config: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  method,
  steps,
  learningRate: num(a.lr, 'lr') ?? DEFAULT_TRAIN_CONFIG.learningRate,
  batchSize: num(a.batch, 'batch') ?? DEFAULT_TRAIN_CONFIG.batchSize,
  seed: num(a.seed, 'seed') ?? DEFAULT_TRAIN_CONFIG.seed,
  evalEvery: num(a['eval-every'], 'eval-every') ?? Math.max(1, Math.floor(steps / 4)),
  warmupSteps: Math.max(0, Math.min(DEFAULT_TRAIN_CONFIG.warmupSteps, Math.floor(steps / 10))),
  promptDropout: num(a.dropout, 'dropout') ?? 0,
  evalLimit: num(a['eval-limit'], 'eval-limit') ?? 0,
};
{
  const P = method.virtualTokens;
  const problems = [...checkTrainConfig(config), ...(Number.isInteger(P) && P >= 1 ? [] : [`virtual tokens must be a whole number ≥ 1 (got ${P})`])];
  if (!discrete && problems.length > 0) fail(`these settings cannot train:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

// --init meta:<file>: the file travels to the page, which checks it against the model and the method.
let startFile: string | undefined;
if (a.init !== undefined) {
  const path = a.init.replace(/^meta:/, '');
  if (!a.init.startsWith('meta:')) fail(`--init takes meta:<file> (a file written by npm run meta-train), got ${a.init}`);
  if (!existsSync(path)) fail(`initialisation file ${path} does not exist`);
  startFile = readFileSync(path).toString('base64');
}

let model: HarnessTrainRequest['model'];
if (existsSync(a.model!) && statSync(a.model!).isDirectory()) {
  // The page reads the folder by URL from the harness's server, a file at a time, streamed like a download.
  model = { kind: 'url', label: basename(resolve(a.model!)), base: serveLocalDirectory('model', a.model!) };
} else {
  const [id, revision] = a.model!.split('@');
  model = { kind: 'hub', id, revision: revision ?? 'main' };
}

if (discrete) {
  try {
    const data = { text: readFileSync(a.data, 'utf8'), fileName: basename(a.data), template, validationFraction, chatTemplate };
    if (a.method === 'compare') await runComparison({ model, data, instruction: a.instruction ?? '', shots: num(a.shots, 'shots'), seed: num(a.seed, 'seed'), json: a.json! });
    else await runDiscovery({
      method: a.method as 'pez' | 'autoprompt', model,
      data,
      promptLength: num(a['virtual-tokens'], 'virtual-tokens'), steps: num(a.steps, 'steps'), learningRate: num(a.lr, 'lr'),
      candidates: num(a.candidates, 'candidates'), batchSize: num(a.batch, 'batch'), seed: num(a.seed, 'seed'), json: a.json!,
    });
  } catch (e) {
    fail(pageErrorMessage(e));
  }
  process.exit(0);
}

const folds = num(a.folds, 'folds');
const seeds = num(a.seeds, 'seeds');
if (folds !== undefined && !(Number.isInteger(folds) && folds >= 2)) fail(`--folds must be a whole number ≥ 2 (got ${a.folds})`);
if (seeds !== undefined && !(Number.isInteger(seeds) && seeds >= 1)) fail(`--seeds must be a whole number ≥ 1 (got ${a.seeds})`);
if (a.curve !== undefined) {
  const sizes = a.curve.split(',').map((x) => Number(x.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) fail(`--curve takes whole numbers ≥ 1 separated by commas (got ${a.curve})`);
  if (folds !== undefined) fail('give --curve or --folds, not both');
  const session = await openHarness();
  try {
    const data = { text: readFileSync(a.data, 'utf8'), fileName: basename(a.data), template, validationFraction, chatTemplate };
    const r = await session.page.evaluate((q) => window.engineHarness.learningCurve(q), { model, data, config: { ...config, evalEvery: 0, earlyStopPatience: 0 }, sizes, seeds: seeds ?? 1 });
    if (a.json) for (const line of r.lines) console.log(JSON.stringify(line));
    else {
      console.log(`adapter: ${r.adapter}`);
      type Stats = Record<string, { mean: number; std: number }>;
      const summary = r.lines.at(-1) as { curve: ({ examples: number } & Stats)[]; baseline: Record<string, number>; seconds: number };
      const key = Object.keys(summary.baseline)[0];
      console.log(`${key}: untuned ${summary.baseline[key].toFixed(3)}`);
      for (const p of summary.curve) console.log(`${String(p.examples).padStart(5)} examples: ${p[key].mean.toFixed(3)} ± ${p[key].std.toFixed(3)}`);
      console.log(`${summary.seconds.toFixed(1)} s`);
    }
  } catch (e) {
    fail((e as Error).message.replace(/^page\.evaluate: /, '').replace(/^Error: /, '').split('\n')[0]);
  } finally {
    await session.close();
  }
  process.exit(0);
}

if (folds !== undefined || (seeds ?? 1) > 1) {
  const session = await openHarness();
  try {
    const data = { text: readFileSync(a.data, 'utf8'), fileName: basename(a.data), template, validationFraction, chatTemplate };
    // Runs train without evaluating on the held-out fold: no periodic evaluation, no early stop.
    const r = await session.page.evaluate((q) => window.engineHarness.crossValidate(q), { model, data, config: { ...config, evalEvery: 0, earlyStopPatience: 0 }, folds: folds ?? 1, seeds: seeds ?? 1, instruction: a.instruction });
    if (a.json) for (const line of r.lines) console.log(JSON.stringify(line));
    else {
      console.log(`adapter: ${r.adapter}`);
      type Stats = Record<string, { mean: number; std: number; values: number[] }>;
      const runs = r.lines.slice(0, -1) as { fold: number; seed: number; tuned: Record<string, number>; baseline: Record<string, number> }[];
      const summary = r.lines.at(-1) as { cv: Stats; baseline: Stats; instruction?: Stats; folds: number; seeds: number; seconds: number };
      const show = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
      for (const x of runs) console.log(`fold ${x.fold} seed ${x.seed}: untuned ${show(x.baseline)} | tuned ${show(x.tuned)}`);
      for (const [k, t] of Object.entries(summary.cv)) {
        const b = summary.baseline[k];
        const h = summary.instruction?.[k];
        console.log(`${k}: tuned ${t.mean.toFixed(3)} ± ${t.std.toFixed(3)}, untuned ${b.mean.toFixed(3)} ± ${b.std.toFixed(3)}${h ? `, instruction ${h.mean.toFixed(3)} ± ${h.std.toFixed(3)}` : ''} (${summary.folds} fold${summary.folds > 1 ? 's' : ''} × ${summary.seeds} seed${summary.seeds > 1 ? 's' : ''})`);
      }
      console.log(`${summary.seconds.toFixed(1)} s`);
    }
  } catch (e) {
    fail(pageErrorMessage(e, session));
  } finally {
    await session.close();
  }
  process.exit(0);
}

const session = await openHarness();
// Evaluation progress, as it happens (page.evaluate answers only at the end): JSON lines with --json, else a line.
await session.page.exposeFunction('__cliProgress', (p: { side: string; done: number; total: number }) => {
  if (a.json) console.log(JSON.stringify({ evaluating: p.side, done: p.done, total: p.total }));
  else if (p.done === p.total) console.log(`scored ${p.total} validation examples (${p.side})`);
});
try {
  const req: HarnessTrainRequest = {
    model,
    data: { text: readFileSync(a.data, 'utf8'), fileName: basename(a.data), template, validationFraction, chatTemplate },
    config,
    startFile,
  };
  const r = await session.page.evaluate((q) => window.engineHarness.train(q), req);
  mkdirSync(a.out!, { recursive: true });
  writeFileSync(join(a.out!, 'adapter_config.json'), r.adapterConfig);
  writeFileSync(join(a.out!, 'adapter_model.safetensors'), Buffer.from(r.adapterSafetensors, 'base64'));
  writeFileSync(join(a.out!, `${method.method}-adapter.zip`), Buffer.from(r.adapterZip, 'base64'));
  writeFileSync(join(a.out!, `${method.method}-checkpoint.zip`), Buffer.from(r.checkpoint, 'base64'));
  writeFileSync(join(a.out!, 'row_format.json'), r.rowFormat);
  writeFileSync(join(a.out!, KV_CACHE_FILE), Buffer.from(r.kvCache, 'base64'));
  writeFileSync(join(a.out!, SNIPPET_FILE), readFileSync(new URL('../src/tuning/export/use-with-transformers-js.mjs', import.meta.url)));
  writeFileSync(join(a.out!, 'predictions.jsonl'), r.predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
  // The zip's Python folder, beside the adapter files (its train.py checks its start against ../adapter_model.safetensors).
  for (const [path, bytes] of Object.entries(unzipSync(Buffer.from(r.adapterZip, 'base64')))) {
    if (!path.startsWith(`${CONTINUE_DIR}/`)) continue;
    mkdirSync(dirname(join(a.out!, path)), { recursive: true });
    writeFileSync(join(a.out!, path), bytes);
  }
  if (a.json) for (const line of r.lines) console.log(JSON.stringify(line));
  else {
    console.log(`adapter: ${r.adapter}`);
    const rows = JSON.parse(r.rowFormat) as { bos: boolean; chat_template: boolean; prompt_special_tokens: { rule: string }; eos_appended: boolean; answer_end: string[] };
    console.log(`rows: chat template ${rows.chat_template ? 'on' : 'off'}; prompt ${rows.bos ? 'starts with BOS' : 'without BOS'} (${rows.prompt_special_tokens.rule}); answer ${rows.eos_appended ? `then ${rows.answer_end.join('')}` : 'alone'} (row_format.json)`);
    for (const line of r.lines) console.log(line);
    console.log(`wrote the PEFT adapter, the checkpoint, predictions.jsonl, ${KV_CACHE_FILE}, ${SNIPPET_FILE} and ${CONTINUE_DIR}/ to ${resolve(a.out!)}`);
  }
} catch (e) {
  fail(pageErrorMessage(e, session));
} finally {
  await session.close();
}
