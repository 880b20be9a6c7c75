// Reads one golden case directory (../shared/fixtures/README.md: config.json, model.safetensors, case.json,
// case.safetensors) into engine inputs and expected outputs. Node-only (node:fs).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModelConfig, type ModelConfig } from '../src/engine/model/config.ts';
import { parseSafetensors } from '../src/engine/io/safetensors.ts';
import { loadWeights } from '../src/engine/model/load-weights.ts';
import type { ExtraInputs, TokenBatch } from '../src/engine/model/batch.ts';
import type { ModelWeights } from '../src/engine/model/weights.ts';

export interface GoldenCaseJson {
  method: 'prompt' | 'prefix';
  num_virtual_tokens: number;
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[][];
  padding_side: 'left' | 'right';
  pad_token_id: number;
  position_ids: number[];
  logits_seq_len: number;
  loss_target_positions: [number, number][];
  logits_last_index: number[];
  num_loss_tokens: number;
  loss_f64: number;
  peft_config: Record<string, unknown>;
  description: string;
}

export interface GoldenCase {
  name: string;
  dir: string;
  cfg: ModelConfig;
  rawConfig: Record<string, unknown>;
  weights: ModelWeights;
  batch: TokenBatch;
  extras: ExtraInputs;
  caseJson: GoldenCaseJson;
  expected: {
    loss: number;
    logits: Float32Array; // (B, S, V), S = logits_seq_len
    logitsLast: Float32Array; // (B, V)
    grad: Float32Array; // same layout as the prompt/prefix table
    residual?: Float32Array; // (L+1, B, S, C) debugging aid, when the case has it
  };
}

/** The fixtures directory: $GOLDEN_DIR (relative paths from the repository root), else ../shared/fixtures/golden. */
export function defaultGoldenDir(): string {
  const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
  return resolve(repo, process.env.GOLDEN_DIR || join('..', 'shared', 'fixtures', 'golden'));
}

export function listGoldenCases(dir: string): string[] {
  if (!existsSync(dir))
    throw new Error(`golden fixtures not found at ${dir}: set GOLDEN_DIR to the folder holding the case directories (e.g. ../shared/fixtures/golden)`);
  const cases = readdirSync(dir)
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isDirectory() && existsSync(join(p, 'case.json')))
    .sort();
  if (cases.length === 0) throw new Error(`no golden cases (directories with a case.json) in ${dir}; is GOLDEN_DIR right?`);
  return cases;
}

export async function loadGoldenCase(dir: string): Promise<GoldenCase> {
  for (const f of ['config.json', 'model.safetensors', 'case.json', 'case.safetensors'])
    if (!existsSync(join(dir, f))) throw new Error(`golden case ${basename(dir)} has no ${f} (in ${dir})`);
  const rawConfig = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const cfg = parseModelConfig(rawConfig);
  const model = parseSafetensors(await readFile(join(dir, 'model.safetensors')));
  const weights = loadWeights(cfg, (n) => model.tensor(n), model.names(), basename(dir));
  const caseJson = JSON.parse(await readFile(join(dir, 'case.json'), 'utf8')) as GoldenCaseJson;
  const tensors = parseSafetensors(await readFile(join(dir, 'case.safetensors')));
  const B = caseJson.input_ids.length;
  const T = caseJson.input_ids[0].length;
  const batch: TokenBatch = {
    rows: B,
    columns: T,
    inputIds: Int32Array.from(caseJson.input_ids.flat()),
    attentionMask: Uint8Array.from(caseJson.attention_mask.flat()),
    labels: Int32Array.from(caseJson.labels.flat()),
  };
  const table = tensors.tensor('prompt_embeddings').data;
  const P = caseJson.num_virtual_tokens;
  const extras: ExtraInputs = caseJson.method === 'prompt' ? { promptEmbeds: table, virtualTokens: P } : { prefix: table, virtualTokens: P };
  return {
    name: basename(dir),
    dir,
    cfg,
    rawConfig,
    weights,
    batch,
    extras,
    caseJson,
    expected: {
      loss: tensors.tensor('loss').data[0],
      logits: tensors.tensor('logits').data,
      logitsLast: tensors.tensor('logits_last').data,
      grad: tensors.tensor('grad_prompt_embeddings').data,
      residual: tensors.names().includes('residual_stream') ? tensors.tensor('residual_stream').data : undefined,
    },
  };
}

/** Errors of computed outputs against a case, measured as the fixtures README's tolerances define them. */
export interface GoldenErrors {
  lossRel: number;
  logitsAbs: number;
  gradRel: number; // max |Δgrad| / max |grad|
}

export const GOLDEN_TOLERANCE: GoldenErrors = { lossRel: 1e-5, logitsAbs: 1e-4, gradRel: 1e-4 };

export function compareGolden(c: GoldenCase, got: { loss: number; logits: ArrayLike<number>; grad: ArrayLike<number> }): GoldenErrors {
  const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    if (a.length !== b.length) return Infinity;
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return Number.isNaN(m) ? Infinity : m;
  };
  let gmax = 0;
  for (const g of c.expected.grad) gmax = Math.max(gmax, Math.abs(g));
  return {
    lossRel: Math.abs(got.loss - c.expected.loss) / Math.abs(c.expected.loss),
    logitsAbs: maxAbsDiff(got.logits, c.expected.logits),
    gradRel: maxAbsDiff(got.grad, c.expected.grad) / gmax,
  };
}

export function withinTolerance(e: GoldenErrors, tol: GoldenErrors = GOLDEN_TOLERANCE): boolean {
  return e.lossRel <= tol.lossRel && e.logitsAbs <= tol.logitsAbs && e.gradRel <= tol.gradRel;
}
