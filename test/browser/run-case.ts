// One golden case through the WebGPU engine, from the case directory's files (base64 where binary). Runs in
// the harness page and in a module worker (golden.worker.ts).
import { acquireGpu } from '../../src/engine/gpu/device.ts';
import { parseModelConfig } from '../../src/engine/model/config.ts';
import { parseSafetensors } from '../../src/engine/io/safetensors.ts';
import { loadWeights } from '../../src/engine/model/load-weights.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import type { ExtraInputs, TokenBatch } from '../../src/engine/model/batch.ts';

export interface HarnessCaseFiles {
  configJson: string;
  caseJson: string;
  model: string; // base64
  caseTensors: string; // base64
}

export interface HarnessResult {
  adapter: string;
  loss: number;
  logits: number[];
  grad: number[];
  seconds: number;
}

export const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export async function runCase(files: HarnessCaseFiles): Promise<HarnessResult> {
  const gpu = await acquireGpu(navigator.gpu);
  const cfg = parseModelConfig(JSON.parse(files.configJson));
  const model = parseSafetensors(fromBase64(files.model));
  const weights = loadWeights(cfg, (n) => model.tensor(n), model.names());
  const c = JSON.parse(files.caseJson) as { method: string; num_virtual_tokens: number; input_ids: number[][]; attention_mask: number[][]; labels: number[][] };
  const table = parseSafetensors(fromBase64(files.caseTensors)).tensor('prompt_embeddings').data;
  const batch: TokenBatch = {
    rows: c.input_ids.length,
    columns: c.input_ids[0].length,
    inputIds: Int32Array.from(c.input_ids.flat()),
    attentionMask: Uint8Array.from(c.attention_mask.flat()),
    labels: Int32Array.from(c.labels.flat()),
  };
  const P = c.num_virtual_tokens;
  const extras: ExtraInputs = c.method === 'prompt' ? { promptEmbeds: table, virtualTokens: P } : { prefix: table, virtualTokens: P };
  const lm = await GpuCausalLM.create(gpu, cfg, weights, caseCapacity(batch.rows, batch.columns, P));
  const t0 = performance.now();
  try {
    const out = await lm.forwardFull(batch, extras);
    return { adapter: gpu.adapter.name, loss: out.loss, logits: Array.from(out.logits), grad: Array.from(out.grad ?? []), seconds: (performance.now() - t0) / 1000 };
  } finally {
    lm.dispose();
    gpu.device.destroy();
  }
}


/** The engine capacity a golden case needs, from the case itself (rows × columns tokens after P virtual tokens), with
 *  every position scored: forwardFull reads the logits everywhere. */
export function caseCapacity(rows: number, columns: number, P: number): { rows: number; tokens: number; virtualTokens: number; targets: number } {
  return { rows, tokens: P + columns, virtualTokens: P, targets: rows * (P + columns) };
}
