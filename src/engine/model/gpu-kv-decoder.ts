// Generation on WebGPU with a KV cache. Prefill runs the prompt through the very program training and scoring use
// (gpu-program.ts, one row) and, in the same command encoder, copies each layer's K (after RoPE) and V of the
// real rows into the cache; a prefix's K/V are written to cache rows 0..Pk-1 first, as is. Each later token
// replays one recorded step program (kernels/kv-cache.ts, matvec, and the decoder's other kernels): one encoder,
// one submit, and one read-back of V logits per token. Every buffer is made when the decoder is made; a token
// only writes its id and position (two 4-byte queue writes) into them.
// Letters: L layers, C hidden, H heads, KVH kv heads, hd head dim, I intermediate, V vocab, N cache positions.
import type { KernelSet, Program } from '../gpu/program.ts';
import { ProgramBuilder } from '../gpu/program.ts';
import { copy } from '../kernels/embedding.ts';
import { matvecForward } from '../kernels/matmul.ts';
import { normForward } from '../kernels/norm.ts';
import { gatedForwardOp, geluForwardOp } from '../kernels/activation.ts';
import { attentionStep, embedStep, kvAppend, ropeStep } from '../kernels/kv-cache.ts';
import type { ExtraInputs, TokenBatch } from './batch.ts';
import { padBatch } from './batch.ts';
import type { ModelConfig } from './config.ts';
import { prefixRowWidth, usesLocalRope } from './config.ts';
import type { DecoderBuffers } from './gpu-buffers.ts';
import { checkGenerationInput, MAX_CACHE_POSITIONS, type KvDecoder } from './generate.ts';

/** The prompt's forward with `record` adding commands to its encoder after the pass; next-token logits (V). */
export type PrefillForward = (batch: TokenBatch, extras: ExtraInputs, record: (enc: GPUCommandEncoder) => void) => Promise<Float32Array>;

export class GpuKvDecoder implements KvDecoder {
  readonly capacity: number;
  length = 0;
  private readonly owned: GPUBuffer[] = [];
  private readonly kCache: GPUBuffer[];
  private readonly vCache: GPUBuffer[];
  private readonly ids: GPUBuffer;
  private readonly stepWord: GPUBuffer;
  private readonly logits: GPUBuffer;
  private readonly logitsRead: GPUBuffer;
  private readonly program: Program;
  // Host scratch for the two per-token writes.
  private readonly idHost = new Int32Array(4);
  private readonly posHost = new Uint32Array(4);

  constructor(
    private readonly device: GPUDevice,
    private readonly cfg: ModelConfig,
    kernels: KernelSet,
    private readonly buf: DecoderBuffers,
    private readonly prefillForward: PrefillForward,
  ) {
    const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V, normEps: eps } = cfg;
    this.capacity = Math.min(cfg.maxPositions, MAX_CACHE_POSITIONS);
    const W = KVH * hd;
    const f = (n: number) => this.alloc(4 * n, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
    this.kCache = Array.from({ length: cfg.layers }, () => f(this.capacity * W));
    this.vCache = Array.from({ length: cfg.layers }, () => f(this.capacity * W));
    this.ids = f(4);
    this.stepWord = f(4);
    this.logits = f(V);
    this.logitsRead = this.alloc(4 * V, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const x = f(C), xMid = f(C), h1 = f(C), h2 = f(C), hf = f(C), stats = f(2);
    const q = f(H * hd), k = f(W), v = f(W), att = f(H * hd);
    const qRaw = cfg.qkNorm ? f(H * hd) : null, kRaw = cfg.qkNorm ? f(W) : null, headStats = cfg.qkNorm ? f(2 * H) : null;
    const gate = cfg.mlp !== 'gelu_new' ? f(I) : null, up = f(I), act = f(I);
    const sub = cfg.postNorms ? f(C) : null; // a sublayer's output before its post norm (Gemma 3)

    // The step: the decoder of gpu-program.ts at one row (matvec instead of the blocked matmul), with RoPE, the K/V
    // write and attention reading the position.
    const p = new ProgramBuilder(kernels);
    const z = buf.zero;
    const norm = { rows: 1, C, eps, rms: cfg.norm === 'rmsnorm' };
    embedStep(p, x, this.ids, buf.embed, buf.wpe, this.stepWord, { C, learned: cfg.positions === 'learned', scale: cfg.embedScale });
    buf.layers.forEach((w, l) => {
      normForward(p, h1, stats, x, w.norm1, w.norm1Bias, z, norm);
      matvecForward(p, qRaw ?? q, h1, w.q, w.qBias, z, { N: H * hd, K: C });
      matvecForward(p, kRaw ?? k, h1, w.k, w.kBias, z, { N: W, K: C });
      matvecForward(p, v, h1, w.v, w.vBias, z, { N: W, K: C });
      if (qRaw && kRaw && headStats && w.qNorm && w.kNorm) {
        normForward(p, q, headStats, qRaw, w.qNorm, null, z, { rows: H, C: hd, eps, rms: true });
        normForward(p, k, headStats, kRaw, w.kNorm, null, z, { rows: KVH, C: hd, eps, rms: true });
      }
      const table = usesLocalRope(cfg, l) ? buf.ropeTableLocal : buf.ropeTable;
      if (cfg.positions === 'rope') {
        ropeStep(p, q, table, this.stepWord, { heads: H, hd });
        ropeStep(p, k, table, this.stepWord, { heads: KVH, hd });
      }
      kvAppend(p, this.kCache[l], this.vCache[l], k, v, this.stepWord, W);
      attentionStep(p, att, q, this.kCache[l], this.vCache[l], this.stepWord, { H, KVH, hd, scale: cfg.attnScale, window: cfg.layerWindows[l] });
      copy(p, xMid, x, C);
      if (sub && w.postAttnNorm) {
        matvecForward(p, sub, att, w.o, w.oBias, z, { N: C, K: H * hd });
        normForward(p, xMid, stats, sub, w.postAttnNorm, null, z, norm, true);
      } else matvecForward(p, xMid, att, w.o, w.oBias, z, { N: C, K: H * hd }, true);
      normForward(p, h2, stats, xMid, w.norm2, w.norm2Bias, z, norm);
      if (gate && w.gate) {
        matvecForward(p, gate, h2, w.gate, null, z, { N: I, K: C });
        matvecForward(p, up, h2, w.up, w.upBias, z, { N: I, K: C });
        gatedForwardOp(p, cfg.mlp === 'geglu' ? 'geglu' : 'swiglu', act, gate, up, I);
      } else {
        matvecForward(p, up, h2, w.up, w.upBias, z, { N: I, K: C });
        geluForwardOp(p, act, up, I);
      }
      copy(p, x, xMid, C);
      if (sub && w.postMlpNorm) {
        matvecForward(p, sub, act, w.down, w.downBias, z, { N: C, K: I });
        normForward(p, x, stats, sub, w.postMlpNorm, null, z, norm, true);
      } else matvecForward(p, x, act, w.down, w.downBias, z, { N: C, K: I }, true);
    });
    normForward(p, hf, stats, x, buf.finalNorm, buf.finalNormBias, z, norm);
    matvecForward(p, this.logits, hf, buf.head, null, z, { N: V, K: C });
    this.program = p.build();
  }

  /** Compute dispatches per generated token (the bench reports it). */
  get dispatchesPerToken(): number {
    return this.program.dispatchCount;
  }

  private alloc(bytes: number, usage: number): GPUBuffer {
    const b = this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
    this.owned.push(b);
    return b;
  }

  async prefill(prompt: readonly number[], extras: ExtraInputs): Promise<Float32Array> {
    const { kvHeads: KVH, headDim: hd } = this.cfg;
    const { Pv, Pk } = checkGenerationInput(this.cfg, prompt, extras, this.capacity);
    const W = KVH * hd;
    if (Pk > 0 && extras.prefix) {
      // PEFT's layout holds layer l's keys at column 2l·W and values at (2l + 1)·W of each prefix row.
      const Wp = prefixRowWidth(this.cfg);
      const rows = new Float32Array(Pk * W);
      for (let l = 0; l < this.cfg.layers; l++)
        for (const [kv, cache] of [[0, this.kCache[l]], [1, this.vCache[l]]] as const) {
          for (let p = 0; p < Pk; p++) rows.set(extras.prefix.subarray(p * Wp + (2 * l + kv) * W, p * Wp + (2 * l + kv + 1) * W), p * W);
          this.device.queue.writeBuffer(cache, 0, rows);
        }
    }
    const n = Pv + prompt.length;
    const ids = [...prompt];
    const logits = await this.prefillForward(padBatch([ids], [ids.map(() => -100)], 0, 'right'), extras, (enc) => {
      // One row: the program's row s (virtual rows first) is position Pk + s, i.e. cache row Pk + s.
      for (let l = 0; l < this.cfg.layers; l++) {
        enc.copyBufferToBuffer(this.buf.acts[l].k, 0, this.kCache[l], 4 * Pk * W, 4 * n * W);
        enc.copyBufferToBuffer(this.buf.acts[l].v, 0, this.vCache[l], 4 * Pk * W, 4 * n * W);
      }
    });
    this.length = Pk + n;
    return logits;
  }

  async step(token: number): Promise<Float32Array> {
    if (!(Number.isInteger(token) && token >= 0 && token < this.cfg.vocabSize)) throw new Error(`token id ${token} is outside the vocabulary of ${this.cfg.vocabSize}`);
    if (this.length >= this.capacity) throw new Error(`the KV cache is full (${this.capacity} positions)`);
    const queue = this.device.queue;
    this.idHost[0] = token;
    this.posHost[0] = this.length;
    queue.writeBuffer(this.ids, 0, this.idHost);
    queue.writeBuffer(this.stepWord, 0, this.posHost);
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    this.program.encode(pass);
    pass.end();
    const V = this.cfg.vocabSize;
    enc.copyBufferToBuffer(this.logits, 0, this.logitsRead, 0, 4 * V);
    queue.submit([enc.finish()]);
    await this.logitsRead.mapAsync(GPUMapMode.READ, 0, 4 * V);
    const out = new Float32Array(this.logitsRead.getMappedRange(0, 4 * V).slice(0));
    this.logitsRead.unmap();
    this.length++;
    return out;
  }

  async readCache(rows: number): Promise<{ keys: Float32Array[]; values: Float32Array[] }> {
    if (!(Number.isInteger(rows) && rows >= 0 && rows <= this.length)) throw new Error(`the cache holds ${this.length} rows, not ${rows}`);
    const n = rows * this.cfg.kvHeads * this.cfg.headDim;
    const L = this.cfg.layers;
    // One staging buffer for every layer's K then V rows: one copy pass, one read-back.
    const staging = this.device.createBuffer({ size: Math.max(16, 4 * n * 2 * L), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const enc = this.device.createCommandEncoder();
      for (let l = 0; l < L; l++) {
        if (n === 0) break;
        enc.copyBufferToBuffer(this.kCache[l], 0, staging, 4 * n * 2 * l, 4 * n);
        enc.copyBufferToBuffer(this.vCache[l], 0, staging, 4 * n * (2 * l + 1), 4 * n);
      }
      this.device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const all = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      return {
        keys: Array.from({ length: L }, (_, l) => all.slice(2 * l * n, (2 * l + 1) * n)),
        values: Array.from({ length: L }, (_, l) => all.slice((2 * l + 1) * n, (2 * l + 2) * n)),
      };
    } finally {
      staging.destroy();
    }
  }

  dispose(): void {
    this.program.destroy();
    for (const b of this.owned) b.destroy();
  }
}
