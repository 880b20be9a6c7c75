// Generation on the WebGPU engine in Chromium, for test/engine/model/gpu-generate.test.ts: on the bundled demo
// model, for no extra input, a soft prompt and a prefix, the KV-cache tokens and per-step logits next to the full
// recompute on the same engine and the float64 reference's KV-cache tokens; then top-k 1 vs greedy and seeded
// sampling. Everything heavy stays in the page; only tokens and error numbers go back to Node.
import { acquireGpu } from '../../src/engine/gpu/device.ts';
import { loadModel } from '../../src/engine/io/load-model.ts';
import { httpModelFiles } from '../../src/engine/io/model-files.ts';
import { GpuCausalLM } from '../../src/engine/model/gpu-lm.ts';
import { generateByRecompute } from '../../src/engine/model/generate.ts';
import { topKIds } from '../../src/engine/model/sampling.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';
import { generationCases, GENERATION_PROMPT } from '../engine/model/generation-cases.ts';
import { parseModelConfig } from '../../src/engine/model/config.ts';
import { parseSafetensors } from '../../src/engine/io/safetensors.ts';
import { loadWeights } from '../../src/engine/model/load-weights.ts';
import { padBatch, type ExtraInputs } from '../../src/engine/model/batch.ts';
import type { ModelWeights } from '../../src/engine/model/weights.ts';
import { randomWeights } from './bench.ts';
import { fromBase64 } from './run-case.ts';

export interface GenerationCaseResult {
  name: string;
  cached: number[];
  recompute: number[];
  reference: number[];
  maxLogitDiff: number; // cached vs recompute, over every step
  maxLogitDiffReference: number; // GPU cached vs float64 cached
  /** The prompt as a key/value cache (promptCache): GPU vs float64, max |Δ| over every layer's K and V; null without extra input. */
  promptCacheDiff: number | null;
  promptCacheMax: number | null; // max |value| of the float64 cache, for scale
}

export interface GenerationHarnessResult {
  adapter: string;
  cases: GenerationCaseResult[];
  greedy: number[];
  topK1: number[];
  sampled: number[];
  sampledAgain: number[];
  sampledOtherSeed: number[];
  sampledInTopK: boolean[];
  buffersCreatedDuringSteps: number;
  /** A generation and a lastLogits issued together (as the playground during an evaluation) vs one at a time. */
  concurrent: { tokens: number[]; alone: number[]; logitsDiff: number };
}

/** Another model family: a golden case's model and its PEFT table (base64 files), or random weights for a config. */
export interface ModelGenerationRequest {
  configJson: string;
  model?: string; // model.safetensors, base64; absent: random weights (scaled so that logits are not all alike)
  caseTensors?: string; // case.safetensors, base64: its prompt_embeddings is the extra input
  method: 'prompt' | 'prefix';
  virtualTokens: number;
  prompt: number[];
  newTokens: number;
}

export interface ModelGenerationResult {
  cached: number[];
  recompute: number[];
  reference: number[];
  stops: string[]; // cached, recompute, reference
  maxLogitDiff: number;
  maxLogitDiffReference: number;
}

declare global {
  interface Window {
    generationHarness: {
      ready: boolean;
      run: (newTokens: number) => Promise<GenerationHarnessResult>;
      runModel: (req: ModelGenerationRequest) => Promise<ModelGenerationResult>;
    };
  }
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

async function run(newTokens: number): Promise<GenerationHarnessResult> {
  const gpu = await acquireGpu(navigator.gpu);
  const demo = await loadModel(httpModelFiles('demo', new URL('/models/demo/', location.href).toString()));
  const lm = await GpuCausalLM.create(gpu, demo.config, demo.weights, { rows: 1, tokens: 64, virtualTokens: 16 });
  const ref = new ReferenceCausalLM(demo.config, demo.weights);
  try {
    const cases: GenerationCaseResult[] = [];
    for (const { name, extras } of generationCases(demo.config, demo.weights)) {
      const a: Float32Array[] = [];
      const b: Float32Array[] = [];
      const r: Float32Array[] = [];
      const cached = await lm.generate(GENERATION_PROMPT, extras, { maxNewTokens: newTokens, onLogits: (z) => a.push(z) });
      const recompute = await generateByRecompute(lm, GENERATION_PROMPT, extras, { maxNewTokens: newTokens, onLogits: (z) => b.push(z) });
      const reference = await ref.generate(GENERATION_PROMPT, extras, { maxNewTokens: newTokens, onLogits: (z) => r.push(z) });
      const steps = Math.min(a.length, b.length, r.length);
      let d = 0;
      let dr = 0;
      for (let k = 0; k < steps; k++) {
        d = Math.max(d, maxDiff(a[k], b[k]));
        dr = Math.max(dr, maxDiff(a[k], r[k]));
      }
      let promptCacheDiff: number | null = null;
      let promptCacheMax: number | null = null;
      if (extras.promptEmbeds || extras.prefix) {
        const [g, f] = [await lm.promptCache(extras), await ref.promptCache(extras)];
        const all = (c: typeof g) => [...c.keys, ...c.values];
        promptCacheDiff = Math.max(...all(g).map((t, i) => maxDiff(t, all(f)[i])));
        promptCacheMax = Math.max(...all(f).map((t) => t.reduce((m, x) => Math.max(m, Math.abs(x)), 0)));
      }
      cases.push({ name, cached: cached.tokens, recompute: recompute.tokens, reference: reference.tokens, maxLogitDiff: steps > 0 ? d : NaN, maxLogitDiffReference: steps > 0 ? dr : NaN, promptCacheDiff, promptCacheMax });
    }
    const { extras } = generationCases(demo.config, demo.weights)[1];
    const greedy = (await lm.generate(GENERATION_PROMPT, extras, { maxNewTokens: newTokens })).tokens;
    const topK1 = (await lm.generate(GENERATION_PROMPT, extras, { maxNewTokens: newTokens, temperature: 1.5, topK: 1, seed: 3 })).tokens;
    const opts = { maxNewTokens: newTokens, temperature: 1.3, topK: 4, seed: 7 };
    const allowed: number[][] = [];
    const device = gpu.device;
    const create = device.createBuffer.bind(device);
    let created = 0;
    device.createBuffer = (desc: GPUBufferDescriptor) => {
      created++;
      return create(desc);
    };
    let sampled: number[];
    try {
      sampled = (await lm.generate(GENERATION_PROMPT, extras, { ...opts, onLogits: (z) => allowed.push(topKIds(z, 4)) })).tokens;
    } finally {
      device.createBuffer = create;
    }
    const sampledAgain = (await lm.generate(GENERATION_PROMPT, extras, opts)).tokens;
    const sampledOtherSeed = (await lm.generate(GENERATION_PROMPT, extras, { ...opts, seed: 8 })).tokens;
    const batch = padBatch([GENERATION_PROMPT], [GENERATION_PROMPT.map(() => -100)], 0, 'right');
    const aloneLogits = await lm.lastLogits(batch, {});
    const [together, togetherLogits] = await Promise.all([lm.generate(GENERATION_PROMPT, {}, { maxNewTokens: newTokens }), lm.lastLogits(batch, {})]);
    return {
      adapter: gpu.adapter.name,
      cases,
      greedy,
      topK1,
      sampled,
      sampledAgain,
      sampledOtherSeed,
      sampledInTopK: sampled.map((t, k) => allowed[k].includes(t)),
      buffersCreatedDuringSteps: created,
      concurrent: { tokens: together.tokens, alone: cases[0].cached, logitsDiff: maxDiff(aloneLogits, togetherLogits) },
    };
  } finally {
    lm.dispose();
    gpu.device.destroy();
  }
}

async function runModel(req: ModelGenerationRequest): Promise<ModelGenerationResult> {
  const gpu = await acquireGpu(navigator.gpu);
  const cfg = parseModelConfig(JSON.parse(req.configJson));
  let weights: ModelWeights;
  if (req.model) {
    const model = parseSafetensors(fromBase64(req.model));
    weights = loadWeights(cfg, (n) => model.tensor(n), model.names());
  } else {
    weights = randomWeights(cfg);
    for (const t of [weights.embed, ...weights.layers.flatMap((l) => [l.q.weight, l.k.weight, l.v.weight, l.o.weight, l.up.weight, l.down.weight, ...(l.gate ? [l.gate.weight] : [])])])
      t.data.forEach((x, i) => (t.data[i] = x * 50));
    if (cfg.qkNorm)
      for (const l of weights.layers) {
        l.qNorm = { shape: [cfg.headDim], data: Float32Array.from({ length: cfg.headDim }, (_, i) => 0.5 + (i % 7) / 7) };
        l.kNorm = { shape: [cfg.headDim], data: Float32Array.from({ length: cfg.headDim }, (_, i) => 1.5 - (i % 5) / 5) };
      }
  }
  const width = req.method === 'prompt' ? cfg.hidden : 2 * cfg.layers * cfg.kvHeads * cfg.headDim;
  const table = req.caseTensors
    ? parseSafetensors(fromBase64(req.caseTensors)).tensor('prompt_embeddings').data
    : Float32Array.from({ length: req.virtualTokens * width }, (_, i) => Math.sin(i * 0.37 + 0.1));
  const extras: ExtraInputs = req.method === 'prompt' ? { promptEmbeds: table, virtualTokens: req.virtualTokens } : { prefix: table, virtualTokens: req.virtualTokens };
  const lm = await GpuCausalLM.create(gpu, cfg, weights, { rows: 1, tokens: Math.min(cfg.maxPositions, 128), virtualTokens: 8 });
  try {
    const a: Float32Array[] = [];
    const b: Float32Array[] = [];
    const r: Float32Array[] = [];
    const opts = { maxNewTokens: req.newTokens };
    const cached = await lm.generate(req.prompt, extras, { ...opts, onLogits: (z) => a.push(z) });
    const recompute = await generateByRecompute(lm, req.prompt, extras, { ...opts, onLogits: (z) => b.push(z) });
    const reference = await new ReferenceCausalLM(cfg, weights).generate(req.prompt, extras, { ...opts, onLogits: (z) => r.push(z) });
    let d = 0;
    let dr = 0;
    for (let k = 0; k < Math.min(a.length, b.length, r.length); k++) {
      d = Math.max(d, maxDiff(a[k], b[k]));
      dr = Math.max(dr, maxDiff(a[k], r[k]));
    }
    return { cached: cached.tokens, recompute: recompute.tokens, reference: reference.tokens, stops: [cached.stop, recompute.stop, reference.stop], maxLogitDiff: d, maxLogitDiffReference: dr };
  } finally {
    lm.dispose();
    gpu.device.destroy();
  }
}

window.generationHarness = { ready: true, run, runModel };
