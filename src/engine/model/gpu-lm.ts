// The frozen causal LM on WebGPU: turns a TokenBatch + extra input into the per-call GPU inputs (ids, mask,
// scored positions), runs a recorded program (one command encoder, one submit), and reads back only what the
// caller needs: the per-target losses and the gradient of the extra input (or logits, for generation/tests).
// Shapes are bucketed (tokens and scored rows rounded up) so a run replays a handful of programs and creates
// no buffers after its first steps. Letters: B rows, T tokens, P virtual, S = P+T (prompt) or T, R scored rows.
import type { GpuContext } from '../gpu/device.ts';
import { KernelSet, type Program } from '../gpu/program.ts';
import type { DispatchTimer } from '../gpu/timer.ts';
import { matmulKernels, matmulVariantFor, type MatmulVariant } from '../kernels/matmul.ts';
import { NORM_KERNELS } from '../kernels/norm.ts';
import { ACTIVATION_KERNELS } from '../kernels/activation.ts';
import { ROPE_KERNELS } from '../kernels/rope.ts';
import { attentionKernels } from '../kernels/attention.ts';
import { EMBEDDING_F16_KERNELS, EMBEDDING_KERNELS } from '../kernels/embedding.ts';
import { CROSSENTROPY_KERNELS } from '../kernels/crossentropy.ts';
import { kvCacheKernels } from '../kernels/kv-cache.ts';
import type { WeightStorage } from '../kernels/weight-storage.ts';
import type { ExtraInputs, TokenBatch } from './batch.ts';
import { IGNORE_INDEX } from './batch.ts';
import type { CausalLM, LossAndGrad } from './causal-lm.ts';
import type { ModelConfig } from './config.ts';
import { prefixRowWidth } from './config.ts';
import { DecoderBuffers, type DecoderCapacity } from './gpu-buffers.ts';
import { recordDecoderProgram, type ProgramShape } from './gpu-program.ts';
import { estimateGpuBytes, formatBytes, targetCapacity } from './memory.ts';
import type { ModelWeights } from './weights.ts';
import type { HostTensor } from '../io/host-tensor.ts';
import { promptCache, runGeneration, type GenerateOptions, type Generation, type PromptCache } from './generate.ts';
import { CallQueue } from './call-queue.ts';
import { GpuKvDecoder } from './gpu-kv-decoder.ts';

/** Every kernel a model of this config needs (attention is specialised to its head dim; f16 weight storage adds
 * the variants that read packed halves; `matmul` comes from matmulVariantFor(adapter)). */
export function decoderKernels(cfg: ModelConfig, storage: WeightStorage = 'f32', matmul: MatmulVariant = 'blocked') {
  const f16 = storage === 'f16' ? EMBEDDING_F16_KERNELS : [];
  return [...matmulKernels(matmul, storage), ...NORM_KERNELS, ...ACTIVATION_KERNELS, ...ROPE_KERNELS, ...attentionKernels(cfg.headDim), ...EMBEDDING_KERNELS, ...CROSSENTROPY_KERNELS, ...kvCacheKernels(cfg.headDim, storage), ...f16];
}

export interface GpuModelOptions {
  /** How the frozen matrices are stored (kernels/weight-storage.ts); f16 halves their memory, f32 accumulation. */
  weightStorage?: WeightStorage;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/** A call laid out for the GPU. */
interface CallLayout {
  shape: ProgramShape;
  ids: Int32Array; // (B, S - Pv)
  mask: Uint32Array; // (B, S)
  pos: Int32Array; // (R)
  targets: Int32Array; // (R)
  rowOfTarget: Int32Array; // (R) batch row of each scored position, -1 for padding
  scored: number; // real scored rows
}

export interface FullForward {
  loss: number;
  logits: Float32Array; // (B, S_real, V), S_real = P+T (prompt) or T
  grad: Float32Array | null;
}

export class GpuCausalLM implements CausalLM {
  readonly backend = 'webgpu' as const;
  readonly capacity: { rows: number; tokens: number; virtualTokens: number };
  private readonly programs = new Map<string, Program>();
  /** Dispatches in the last recorded program (the bench reports it). */
  lastDispatchCount = 0;
  private kv: GpuKvDecoder | null = null;
  /** Profiling only (cli/profile.ts): when set, calls record one timed pass per dispatch into this timer. */
  timer: DispatchTimer | null = null;
  /** Every public call runs alone (call-queue.ts says why). */
  private readonly calls = new CallQueue();

  private constructor(
    readonly gpu: GpuContext,
    readonly config: ModelConfig,
    readonly weights: ModelWeights,
    private readonly kernels: KernelSet,
    private readonly buf: DecoderBuffers,
    readonly cap: DecoderCapacity,
  ) {
    this.capacity = { rows: cap.rows, tokens: cap.tokens, virtualTokens: cap.virtualTokens };
  }

  /** How the frozen matrices are stored on the GPU. */
  get weightStorage(): WeightStorage {
    return this.buf.storage;
  }

  /** Fills the buffer reserved for a streamed tensor (io/load-model.ts streamWeights). */
  writeWeight(t: HostTensor): void {
    this.buf.writeWeight(t);
  }

  /** Weight tensors whose bytes have not arrived yet (0 once a streamed load is complete). */
  get pendingWeights(): number {
    return this.buf.pendingWeights;
  }

  /** GPU bytes of the uploaded model tensors. */
  get weightBytes(): number {
    return this.buf.weightBytes;
  }

  /** Checks the device's limits, compiles every kernel, and uploads the weights (f32 unless `weightStorage` is f16). */
  static async create(gpu: GpuContext, cfg: ModelConfig, weights: ModelWeights, want: Partial<DecoderCapacity> = {}, options: GpuModelOptions = {}): Promise<GpuCausalLM> {
    const storage = options.weightStorage ?? 'f32';
    const tokens = Math.min(want.tokens ?? 256, cfg.maxPositions);
    const rows = want.rows ?? 8;
    const maxBinding = gpu.device.limits.maxStorageBufferBindingSize;
    const targets = targetCapacity(cfg, { rows, tokens, targets: want.targets }, maxBinding);
    const cap: DecoderCapacity = { rows, tokens, targets, virtualTokens: want.virtualTokens ?? 64 };
    const est = estimateGpuBytes(cfg, { rows, tokens, targets }, storage);
    if (est.largestBuffer > maxBinding)
      throw new Error(
        `this model needs a ${formatBytes(est.largestBuffer)} buffer but the GPU allows ${formatBytes(maxBinding)} per buffer ` +
          `(maxStorageBufferBindingSize); ${storage === 'f32' ? 'load it with half-precision (f16) weight storage, or ' : ''}pick a smaller model or batch`,
      );
    if (cfg.hidden % 4 !== 0 || cfg.intermediate % 4 !== 0 || (cfg.heads * cfg.headDim) % 4 !== 0)
      throw new Error(`hidden=${cfg.hidden}, intermediate=${cfg.intermediate} and heads·head_dim must be divisible by 4 (vec4 loads)`);
    const kernels = await KernelSet.compile(gpu.device, decoderKernels(cfg, storage, matmulVariantFor(gpu.adapter.name)));
    gpu.device.pushErrorScope('out-of-memory');
    const buf = new DecoderBuffers(gpu.device, cfg, weights, cap, storage);
    const oom = await gpu.device.popErrorScope();
    if (oom) {
      buf.destroy();
      throw new Error(`the GPU ran out of memory allocating ${formatBytes(est.total)} for this model (${oom.message}); pick a smaller model or batch`);
    }
    return new GpuCausalLM(gpu, cfg, weights, kernels, buf, cap);
  }

  dispose(): void {
    this.kv?.dispose();
    this.kv = null;
    for (const p of this.programs.values()) p.destroy();
    this.programs.clear();
    this.buf.destroy();
  }

  private layout(batch: TokenBatch, extras: ExtraInputs, grad: boolean, scoreAt: 'labels' | 'last' | 'all'): CallLayout {
    const cfg = this.config;
    const P = extras.virtualTokens ?? 0;
    const Pv = extras.promptEmbeds ? P : 0;
    const Pk = extras.prefix ? P : 0;
    if (extras.promptEmbeds && extras.promptEmbeds.length !== P * cfg.hidden)
      throw new Error(`prompt embeddings have ${extras.promptEmbeds.length} values, expected ${P} × ${cfg.hidden}`);
    if (extras.prefix && extras.prefix.length !== P * prefixRowWidth(cfg))
      throw new Error(`prefix has ${extras.prefix.length} values, expected ${P} × ${prefixRowWidth(cfg)} (layers·2·kv_heads·head_dim)`);
    if (P > this.cap.virtualTokens) throw new Error(`${P} virtual tokens exceed this engine's capacity of ${this.cap.virtualTokens}`);
    const { rows: B, columns: T } = batch;
    const sReal = Pv + T;
    if (Pk + sReal > cfg.maxPositions)
      throw new Error(`a row of ${T} tokens with ${P} virtual tokens needs ${Pk + sReal} positions but the model has ${cfg.maxPositions}; shorten the examples or use fewer virtual tokens`);
    if (sReal > this.cap.tokens) throw new Error(`a row of ${sReal} tokens exceeds the engine's capacity of ${this.cap.tokens} tokens`);
    // Pad columns (masked, never scored) keep the number of distinct programs small.
    const S = Math.min(roundUp(sReal, 8), this.cap.tokens, cfg.maxPositions - Pk);
    // Every per-token buffer holds rows × tokens at capacity: short rows may come in greater number.
    if (B * S > this.cap.rows * this.cap.tokens)
      throw new Error(`a batch of ${B} rows of ${S} tokens exceeds the engine's capacity of ${this.cap.rows} × ${this.cap.tokens} tokens; lower the batch size`);
    const ids = new Int32Array(B * (S - Pv));
    const mask = new Uint32Array(B * S);
    const pos: number[] = [];
    const targets: number[] = [];
    const rowOf: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let s = 0; s < S; s++) {
        if (s < Pv) mask[b * S + s] = 1;
        else if (s < sReal) {
          const t = s - Pv;
          const id = batch.inputIds[b * T + t];
          if (id < 0 || id >= cfg.vocabSize) throw new Error(`token id ${id} (row ${b}, column ${t}) is outside the vocabulary of ${cfg.vocabSize}`);
          ids[b * (S - Pv) + t] = id;
          mask[b * S + s] = batch.attentionMask[b * T + t];
        }
      }
      if (scoreAt === 'labels') {
        // Position s predicts the label at s + 1 of the (virtual-token-extended) labels.
        for (let s = 0; s + 1 < sReal; s++) {
          const t = s + 1 - Pv;
          if (t < 0) continue;
          const label = batch.labels[b * T + t];
          if (label === IGNORE_INDEX) continue;
          pos.push(b * S + s);
          targets.push(label);
          rowOf.push(b);
        }
      } else if (scoreAt === 'last') {
        let last = Pv - 1;
        for (let t = 0; t < T; t++) if (batch.attentionMask[b * T + t]) last = Pv + t;
        pos.push(b * S + Math.max(0, last));
        targets.push(-1);
        rowOf.push(b);
      } else {
        for (let s = 0; s < sReal; s++) {
          pos.push(b * S + s);
          const t = s + 1 - Pv;
          const label = t >= 0 && s + 1 < sReal ? batch.labels[b * T + t] : IGNORE_INDEX;
          targets.push(label === IGNORE_INDEX ? -1 : label);
          rowOf.push(b);
        }
      }
    }
    const scored = pos.length;
    const R = Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(1, scored))));
    if (R > this.cap.targets) throw new Error(`${scored} scored positions (bucketed to ${R}) exceed the engine's capacity of ${this.cap.targets}; use a smaller batch`);
    const padded = (xs: number[], fill: number) => {
      const a = new Int32Array(R).fill(fill);
      a.set(xs);
      return a;
    };
    return {
      shape: { B, S, Pv, Pk, R, grad },
      ids,
      mask,
      pos: padded(pos, -1),
      targets: padded(targets, -1),
      rowOfTarget: padded(rowOf, -1),
      scored: targets.filter((t) => t >= 0).length,
    };
  }

  rowsPerCall(tokens: number, scored: number): number {
    const S = Math.min(roundUp(Math.max(1, tokens), 8), this.cap.tokens);
    const maxScored = 2 ** Math.floor(Math.log2(this.cap.targets)); // scored rows are bucketed to powers of two
    return Math.max(1, Math.min(Math.floor((this.cap.rows * this.cap.tokens) / S), Math.floor(maxScored / Math.max(1, scored))));
  }

  private program(shape: ProgramShape): Program {
    const key = `${shape.B}x${shape.S}|${shape.Pv}|${shape.Pk}|${shape.R}|${shape.grad ? 'g' : 'f'}`;
    let prog = this.programs.get(key);
    if (!prog) {
      prog = recordDecoderProgram(this.kernels, this.config, this.buf, shape);
      this.programs.set(key, prog);
    }
    this.lastDispatchCount = prog.dispatchCount;
    return prog;
  }

  /** Uploads the call's inputs and submits its program in one command encoder; copies what will be read. */
  private submit(l: CallLayout, extras: ExtraInputs, read: { grad: boolean; logits: boolean }, record?: (enc: GPUCommandEncoder) => void): void {
    const q = this.gpu.device.queue;
    const b = this.buf;
    q.writeBuffer(b.ids, 0, l.ids);
    q.writeBuffer(b.mask, 0, l.mask);
    q.writeBuffer(b.pos, 0, l.pos);
    q.writeBuffer(b.targets, 0, l.targets);
    q.writeBuffer(b.dyn, 0, new Float32Array([l.scored > 0 ? 1 / l.scored : 0, 0, 0, 0]));
    if (extras.promptEmbeds) q.writeBuffer(b.prompt, 0, extras.promptEmbeds);
    if (extras.prefix) q.writeBuffer(b.prefix, 0, extras.prefix);
    const enc = this.gpu.device.createCommandEncoder();
    if (this.timer) this.timer.record(enc, this.program(l.shape));
    else {
      const pass = enc.beginComputePass();
      this.program(l.shape).encode(pass);
      pass.end();
    }
    enc.copyBufferToBuffer(b.losses, 0, b.lossesRead, 0, 4 * l.shape.R);
    if (read.grad) {
      const src = extras.promptEmbeds ? b.dPrompt : b.dPrefix;
      const n = extras.promptEmbeds?.length ?? extras.prefix?.length ?? 0;
      if (n > 0) enc.copyBufferToBuffer(src, 0, b.gradRead, 0, 4 * n);
    }
    if (read.logits) enc.copyBufferToBuffer(b.logits, 0, b.logitsRead, 0, 4 * l.shape.R * this.config.vocabSize);
    record?.(enc);
    q.submit([enc.finish()]);
  }

  private async readF32(buffer: GPUBuffer, n: number): Promise<Float32Array> {
    await buffer.mapAsync(GPUMapMode.READ, 0, Math.ceil((4 * n) / 4) * 4 || 4);
    const out = new Float32Array(buffer.getMappedRange(0, 4 * n).slice(0));
    buffer.unmap();
    return out;
  }

  lossAndGrad(batch: TokenBatch, extras: ExtraInputs, options: { grad?: boolean } = {}): Promise<LossAndGrad> {
    return this.calls.run(() => this.lossAndGradNow(batch, extras, options));
  }

  private async lossAndGradNow(batch: TokenBatch, extras: ExtraInputs, options: { grad?: boolean }): Promise<LossAndGrad> {
    const wantGrad = (options.grad ?? true) && Boolean(extras.promptEmbeds || extras.prefix);
    const l = this.layout(batch, extras, wantGrad, 'labels');
    if (l.scored === 0) throw new Error('the batch has no scored tokens (every label is -100)');
    this.submit(l, extras, { grad: wantGrad, logits: false });
    const losses = await this.readF32(this.buf.lossesRead, l.shape.R);
    let sum = 0;
    for (let r = 0; r < l.scored; r++) sum += losses[r];
    const n = extras.promptEmbeds?.length ?? extras.prefix?.length ?? 0;
    const grad = wantGrad ? await this.readF32(this.buf.gradRead, n) : null;
    return { loss: sum / l.scored, targets: l.scored, grad };
  }

  scoreRows(batch: TokenBatch, extras: ExtraInputs): Promise<Float64Array> {
    return this.calls.run(() => this.scoreRowsNow(batch, extras));
  }

  private async scoreRowsNow(batch: TokenBatch, extras: ExtraInputs): Promise<Float64Array> {
    const l = this.layout(batch, extras, false, 'labels');
    this.submit(l, extras, { grad: false, logits: false });
    const losses = await this.readF32(this.buf.lossesRead, l.shape.R);
    const out = new Float64Array(batch.rows);
    for (let r = 0; r < l.scored; r++) out[l.rowOfTarget[r]] -= losses[r];
    return out;
  }

  lastLogits(batch: TokenBatch, extras: ExtraInputs): Promise<Float32Array> {
    return this.calls.run(() => this.lastLogitsNow(batch, extras));
  }

  private async lastLogitsNow(batch: TokenBatch, extras: ExtraInputs): Promise<Float32Array> {
    const l = this.layout(batch, extras, false, 'last');
    this.submit(l, extras, { grad: false, logits: true });
    return (await this.readF32(this.buf.logitsRead, l.shape.R * this.config.vocabSize)).slice(0, batch.rows * this.config.vocabSize);
  }

  /** The KV-cache decoder of this model (made on first use: training never needs its cache). */
  decoder(): GpuKvDecoder {
    // Prefill is lastLogits' forward for one row, with the decoder's K/V copies recorded into the same encoder.
    this.kv ??= new GpuKvDecoder(this.gpu.device, this.config, this.kernels, this.buf, async (batch, extras, record) => {
      const l = this.layout(batch, extras, false, 'last');
      this.submit(l, extras, { grad: false, logits: true }, record);
      return this.readF32(this.buf.logitsRead, this.config.vocabSize);
    });
    return this.kv;
  }

  generate(prompt: readonly number[], extras: ExtraInputs, options: GenerateOptions): Promise<Generation> {
    return this.calls.run(() => runGeneration(this.decoder(), prompt, extras, options));
  }

  promptCache(extras: ExtraInputs): Promise<PromptCache> {
    return this.calls.run(() => promptCache(this.decoder(), this.config, extras));
  }

  /** Logits at every position (pads included), the loss, and the gradient: what the golden fixtures hold. */
  forwardFull(batch: TokenBatch, extras: ExtraInputs): Promise<FullForward> {
    return this.calls.run(() => this.forwardFullNow(batch, extras));
  }

  private async forwardFullNow(batch: TokenBatch, extras: ExtraInputs): Promise<FullForward> {
    const wantGrad = Boolean(extras.promptEmbeds || extras.prefix);
    const all = this.layout(batch, extras, false, 'all');
    this.submit(all, extras, { grad: false, logits: true });
    const V = this.config.vocabSize;
    const logits = (await this.readF32(this.buf.logitsRead, all.shape.R * V)).slice(0, all.pos.filter((p) => p >= 0).length * V);
    const { loss, grad } = await this.lossAndGradNow(batch, extras, { grad: wantGrad });
    return { loss, logits, grad };
  }
}
