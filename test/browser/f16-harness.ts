// f16 weight storage on the WebGPU engine in Chromium, for test/engine/model/gpu-f16.test.ts. One model, two
// engines on the same device (weightStorage 'f32' and 'f16'), and the float64 reference on the SAME half-rounded
// weights (roundToStorage): for a soft prompt and a prefix, the errors of the f16 engine against that reference and
// its differences from the f32 engine, in the golden runner's measures; how many weights the rounding moved; the
// GPU bytes of each storage; and KV-cache generation on f16 (decode matvec + embedding step on halves). Only
// numbers go back to Node.
import { acquireGpu } from '../../src/engine/gpu/device.ts';
import { loadModel } from '../../src/engine/io/load-model.ts';
import { httpModelFiles } from '../../src/engine/io/model-files.ts';
import { parseSafetensors } from '../../src/engine/io/safetensors.ts';
import { parseModelConfig, prefixRowWidth, type ModelConfig } from '../../src/engine/model/config.ts';
import { loadWeights } from '../../src/engine/model/load-weights.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import { generateByRecompute } from '../../src/engine/model/generate.ts';
import { padBatch, type ExtraInputs } from '../../src/engine/model/batch.ts';
import { roundToStorage, type ModelWeights } from '../../src/engine/model/weights.ts';
import { referenceBackward, referenceForward } from '../../src/engine/reference/decoder.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';
import { fromBase64 } from './run-case.ts';
import { TuningSession } from '../../src/tuning/session.ts';
import type { ModelFiles } from '../../src/engine/io/model-files.ts';

/** The golden runner's three measures: |Δloss| / loss, max |Δlogit|, max |Δgrad| / max |grad|. */
export interface Errors {
  loss: number;
  logits: number;
  grad: number;
}

export interface F16CaseResult {
  name: string; // 'soft prompt' | 'prefix'
  f16VsReference: Errors; // f16 engine vs float64 on the half-rounded weights
  f32VsReference: Errors; // f32 engine vs the same (rounded) reference: the rounding's own effect
  f16VsF32: Errors; // the two engines
}

export interface F16HarnessResult {
  adapter: string;
  storages: string[]; // what each engine reports
  weightBytes: { f32: number; f16: number };
  roundedFraction: number; // of the values in the half-stored matrices, those the rounding changed
  cases: F16CaseResult[];
  generation: { cached: number[]; recompute: number[]; reference: number[]; maxLogitDiff: number; maxLogitDiffReference: number };
}

export interface F16HarnessRequest {
  configJson?: string; // with model: a golden case's model (base64 safetensors); absent: the bundled demo model
  model?: string;
  newTokens: number;
}

declare global {
  interface Window {
    f16Harness: { ready: boolean; run: (req: F16HarnessRequest) => Promise<F16HarnessResult>; sessionStorage: (files: Record<string, string>) => Promise<string> };
  }
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

interface Out {
  loss: number;
  logits: ArrayLike<number>;
  grad: ArrayLike<number>;
}
const errors = (got: Out, want: Out): Errors => ({
  loss: Math.abs(got.loss - want.loss) / Math.abs(want.loss),
  logits: maxDiff(got.logits, want.logits),
  grad: maxDiff(got.grad, want.grad) / maxAbs(want.grad),
});

async function model(req: F16HarnessRequest): Promise<{ cfg: ModelConfig; weights: ModelWeights }> {
  if (req.configJson && req.model) {
    const cfg = parseModelConfig(JSON.parse(req.configJson));
    const file = parseSafetensors(fromBase64(req.model));
    return { cfg, weights: loadWeights(cfg, (n) => file.tensor(n), file.names()) };
  }
  const demo = await loadModel(httpModelFiles('demo', new URL('/models/demo/', location.href).toString()));
  return { cfg: demo.config, weights: demo.weights };
}

function roundedFraction(a: ModelWeights, b: ModelWeights): number {
  const mats = (w: ModelWeights) => [w.embed, ...(w.positions ? [w.positions] : []), ...w.layers.flatMap((l) => [l.q, l.k, l.v, l.o, l.up, l.down, ...(l.gate ? [l.gate] : [])].map((x) => x.weight))];
  const [ma, mb] = [mats(a), mats(b)];
  let changed = 0;
  let total = 0;
  ma.forEach((t, i) => {
    total += t.data.length;
    t.data.forEach((x, j) => (changed += x !== mb[i].data[j] ? 1 : 0));
  });
  return changed / total;
}

async function run(req: F16HarnessRequest): Promise<F16HarnessResult> {
  const gpu = await acquireGpu(navigator.gpu);
  const { cfg, weights } = await model(req);
  const rounded = roundToStorage(weights, 'f16');
  const V = cfg.vocabSize;
  const cap = { rows: 2, tokens: 32, virtualTokens: 8 };
  const lm32 = await GpuCausalLM.create(gpu, cfg, weights, cap, { weightStorage: 'f32' });
  const lm16 = await GpuCausalLM.create(gpu, cfg, weights, cap, { weightStorage: 'f16' });
  try {
    // Two rows, the second shorter (right padding), three scored tokens each.
    const rows = [Array.from({ length: 12 }, (_, t) => (t * 37 + 5) % V), Array.from({ length: 9 }, (_, t) => (t * 53 + 17) % V)];
    const batch = padBatch(rows, rows.map((r) => r.map((id, t) => (t >= r.length - 3 ? id : -100))), 0, 'right');
    const P = 4;
    // Soft prompt: vocabulary rows (the studio's usual init) plus noise; prefix: values of activations' size.
    const promptEmbeds = Float32Array.from({ length: P * cfg.hidden }, (_, i) => weights.embed.data[((i / cfg.hidden) | 0) * 7 * cfg.hidden + (i % cfg.hidden)] + 0.01 * Math.sin(i));
    const prefix = Float32Array.from({ length: P * prefixRowWidth(cfg) }, (_, i) => 0.5 * Math.sin(i * 0.37 + 0.1));
    const cases: [string, ExtraInputs][] = [
      ['soft prompt', { promptEmbeds, virtualTokens: P }],
      ['prefix', { prefix, virtualTokens: P }],
    ];
    const out: F16CaseResult[] = [];
    for (const [name, extras] of cases) {
      const g16 = await lm16.forwardFull(batch, extras);
      const g32 = await lm32.forwardFull(batch, extras);
      const fwd = referenceForward(cfg, rounded, batch, extras, { logits: true });
      const back = referenceBackward(fwd.tape);
      const ref = { loss: fwd.loss, logits: fwd.logits ?? [], grad: back.promptEmbeds ?? back.prefix ?? [] };
      const a = { loss: g16.loss, logits: g16.logits, grad: g16.grad ?? [] };
      const b = { loss: g32.loss, logits: g32.logits, grad: g32.grad ?? [] };
      out.push({ name, f16VsReference: errors(a, ref), f32VsReference: errors(b, ref), f16VsF32: errors(a, b) });
    }
    // Generation on f16: the step program's matvec and embedding step read halves; prefill is the training program.
    const prompt = rows[0].slice(0, 6);
    const extras: ExtraInputs = { promptEmbeds, virtualTokens: P };
    const za: Float32Array[] = [];
    const zb: Float32Array[] = [];
    const zr: Float32Array[] = [];
    const opts = { maxNewTokens: req.newTokens };
    const cached = await lm16.generate(prompt, extras, { ...opts, onLogits: (z) => za.push(z) });
    const recompute = await generateByRecompute(lm16, prompt, extras, { ...opts, onLogits: (z) => zb.push(z) });
    const reference = await new ReferenceCausalLM(cfg, rounded).generate(prompt, extras, { ...opts, onLogits: (z) => zr.push(z) });
    let d = 0;
    let dr = 0;
    for (let k = 0; k < Math.min(za.length, zb.length, zr.length); k++) {
      d = Math.max(d, maxDiff(za[k], zb[k]));
      dr = Math.max(dr, maxDiff(za[k], zr[k]));
    }
    return {
      adapter: gpu.adapter.name,
      storages: [lm32.weightStorage, lm16.weightStorage],
      weightBytes: { f32: lm32.weightBytes, f16: lm16.weightBytes },
      roundedFraction: roundedFraction(weights, rounded),
      cases: out,
      generation: { cached: cached.tokens, recompute: recompute.tokens, reference: reference.tokens, maxLogitDiff: d, maxLogitDiffReference: dr },
    };
  } finally {
    lm32.dispose();
    lm16.dispose();
    gpu.device.destroy();
  }
}

/** The storage the studio's session picks with 'auto' (what the worker asks for) for a folder of base64 files. */
async function sessionStorage(files: Record<string, string>): Promise<string> {
  const gpu = await acquireGpu(navigator.gpu);
  const session = new TuningSession();
  const modelFiles: ModelFiles = {
    label: 'test',
    has: async (name) => name in files,
    read: async (name) => fromBase64(files[name]).buffer as ArrayBuffer,
  };
  try {
    await session.loadModel(modelFiles, gpu, { rows: 1, tokens: 32 }, 'auto');
    return session.weightStorage;
  } finally {
    session.lm?.dispose();
    gpu.device.destroy();
  }
}

window.f16Harness = { ready: true, run, sessionStorage };
