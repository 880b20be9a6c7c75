// Every GPU buffer the decoder uses, allocated once at a fixed capacity and named by what it holds.
// Letters: L layers, B rows, S tokens per row (virtual included), C hidden, H heads, KVH kv heads, hd head dim,
// I intermediate, V vocab, R scored rows, Pmax largest prompt/prefix, W prefix row width (L·2·KVH·hd).
import type { ModelConfig } from './config.ts';
import { prefixRowWidth, ropeInvFreq } from './config.ts';
import { normGain, type ModelWeights, type Tensor } from './weights.ts';
import { MAX_CACHE_POSITIONS } from './generate.ts';
import { ropeTable } from '../kernels/rope.ts';
import { markHalf, type WeightStorage } from '../kernels/weight-storage.ts';
import { halfBitsFor, packHalves } from '../io/safetensors.ts';
import { isHostTensor, type HostTensor } from '../io/host-tensor.ts';

// Read lazily: in Node the WebGPU globals exist only once Dawn is loaded.
const storageUsage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;

export interface DecoderCapacity {
  rows: number; // B max
  tokens: number; // S max (virtual tokens included)
  targets: number; // R max scored rows per call
  virtualTokens: number; // Pmax
}

export interface LayerWeightBuffers {
  norm1: GPUBuffer; norm1Bias: GPUBuffer | null;
  q: GPUBuffer; qBias: GPUBuffer | null;
  k: GPUBuffer; kBias: GPUBuffer | null;
  v: GPUBuffer; vBias: GPUBuffer | null;
  o: GPUBuffer; oBias: GPUBuffer | null;
  qNorm: GPUBuffer | null; kNorm: GPUBuffer | null;
  postAttnNorm: GPUBuffer | null; postMlpNorm: GPUBuffer | null; // Gemma 3
  norm2: GPUBuffer; norm2Bias: GPUBuffer | null;
  gate: GPUBuffer | null;
  up: GPUBuffer; upBias: GPUBuffer | null;
  down: GPUBuffer; downBias: GPUBuffer | null;
}

/** Saved for backward, per layer. Shapes at capacity. */
export interface LayerActivations {
  x: GPUBuffer; // (B·S, C) residual entering the layer
  h1: GPUBuffer; // (B·S, C) norm1(x)
  stats1: GPUBuffer; // (B·S, 2)
  qRaw: GPUBuffer | null; // (B·S, H·hd) before q_norm (Qwen3)
  kRaw: GPUBuffer | null; // (B·S, KVH·hd) before k_norm
  qStats: GPUBuffer | null; // (B·S·H, 2)
  kStats: GPUBuffer | null; // (B·S·KVH, 2)
  q: GPUBuffer; // (B·S, H·hd) after RoPE
  k: GPUBuffer; // (B·S, KVH·hd) after RoPE
  v: GPUBuffer; // (B·S, KVH·hd)
  att: GPUBuffer; // (B·S, H·hd) attention output before o_proj
  lse: GPUBuffer; // (2·B·H·S) log-sum-exp, then backward's D
  oOut: GPUBuffer | null; // (B·S, C) o_proj output before the post-attention norm (Gemma 3)
  statsPA: GPUBuffer | null; // (B·S, 2) its stats
  xMid: GPUBuffer; // (B·S, C) residual after attention
  h2: GPUBuffer; // (B·S, C) norm2(xMid)
  stats2: GPUBuffer; // (B·S, 2)
  gate: GPUBuffer | null; // (B·S, I) SwiGLU gate pre-activation (overwritten by dGate in backward)
  up: GPUBuffer; // (B·S, I) up projection (GPT-2: c_fc pre-activation)
  act: GPUBuffer; // (B·S, I) activation output fed to down_proj
  downOut: GPUBuffer | null; // (B·S, C) down_proj output before the post-feedforward norm (Gemma 3)
  statsPF: GPUBuffer | null; // (B·S, 2) its stats
}

export class DecoderBuffers {
  readonly all: GPUBuffer[] = [];
  readonly zero: GPUBuffer;
  readonly embed: GPUBuffer; // (V, C)
  readonly wpe: GPUBuffer; // (N, C) or zero
  readonly head: GPUBuffer; // (V, C): embed when tied
  readonly finalNorm: GPUBuffer;
  readonly finalNormBias: GPUBuffer | null;
  readonly ropeTable: GPUBuffer; // (N, hd/2, 2) cos, sin
  readonly ropeTableLocal: GPUBuffer; // the same for Gemma 3's sliding layers (their own base); ropeTable otherwise
  readonly layers: LayerWeightBuffers[];
  readonly acts: LayerActivations[];
  readonly xOut: GPUBuffer; // (B·S, C) residual leaving the last layer
  readonly hf: GPUBuffer; // (B·S, C) final norm output
  readonly statsF: GPUBuffer;
  readonly hT: GPUBuffer; // (R, C) hidden states at scored positions
  readonly logits: GPUBuffer; // (R, V), then d loss / d logits
  readonly losses: GPUBuffer; // (R)
  // gradient scratch, reused by every layer
  readonly dx: GPUBuffer; // (B·S, C)
  readonly dxMid: GPUBuffer; // (B·S, C)
  readonly dh: GPUBuffer; // (B·S, C)
  readonly dAct: GPUBuffer; // (B·S, I)
  readonly dAtt: GPUBuffer; // (B·S, H·hd)
  readonly dq: GPUBuffer; // (B·S, H·hd)
  readonly dk: GPUBuffer; // (B·S, KVH·hd)
  readonly dv: GPUBuffer; // (B·S, KVH·hd)
  readonly dqRaw: GPUBuffer | null;
  readonly dkRaw: GPUBuffer | null;
  readonly dSub: GPUBuffer | null; // (B·S, C) gradient of a sublayer's output before its post norm (Gemma 3)
  readonly dhT: GPUBuffer; // (R, C)
  // per-call inputs
  readonly ids: GPUBuffer; // (B, S) i32
  readonly mask: GPUBuffer; // (B, S) u32
  readonly pos: GPUBuffer; // (R) i32, -1 = bucket padding
  readonly targets: GPUBuffer; // (R) i32
  readonly dyn: GPUBuffer; // [1 / scored tokens, …]
  readonly prompt: GPUBuffer; // (Pmax, C)
  readonly prefix: GPUBuffer; // (Pmax, W)
  readonly dPrompt: GPUBuffer; // (Pmax, C)
  readonly dPrefix: GPUBuffer; // (Pmax, W)
  // readback staging
  readonly lossesRead: GPUBuffer;
  readonly gradRead: GPUBuffer;
  readonly logitsRead: GPUBuffer;

  /** Bytes of every uploaded model tensor (the RoPE table excluded): what the weight storage changes. */
  weightBytes = 0;

  constructor(readonly device: GPUDevice, readonly cfg: ModelConfig, w: ModelWeights, readonly cap: DecoderCapacity, readonly storage: WeightStorage = 'f32') {
    const { hidden: C, heads: H, kvHeads: KVH, headDim: hd, intermediate: I, vocabSize: V } = cfg;
    const BS = cap.rows * cap.tokens;
    const R = cap.targets;
    const W = prefixRowWidth(cfg);
    // A streamed checkpoint's tensors arrive after the buffers exist (io/load-model.ts): their buffers are
    // allocated here and filled by writeWeight.
    const upload = (t: Tensor, label: string) => (isHostTensor(t) && t.state === 'pending' ? this.reserve(t, label, 'f32') : this.upload(t.data, label, true));
    const opt = (t: Tensor | undefined, label: string) => (t ? upload(t, label) : null);
    // The matrices (every projection, token and position embeddings, an untied head) take the weight storage;
    // norms' gains, biases and the RoPE table stay f32: they are small, and kernels read them as f32.
    // weights.ts's roundToStorage names the same tensors (the f16 tests build their reference with it).
    const matrix = (t: Tensor, label: string) =>
      storage !== 'f16' ? upload(t, label) : isHostTensor(t) && t.state === 'pending' ? this.reserve(t, label, 'f16') : this.uploadHalf(t, label);
    this.zero = this.alloc(16, 'zero');
    this.embed = matrix(w.embed, 'embed');
    this.wpe = w.positions ? matrix(w.positions, 'wpe') : this.zero;
    this.head = w.lmHead === w.embed ? this.embed : matrix(w.lmHead, 'lm_head');
    // Norm gains go up as the model multiplies by them: Gemma's stored offsets become 1 + w here, once.
    const gain = (t: Tensor, label: string) =>
      isHostTensor(t) && t.state === 'pending' ? this.reserve(t, label, 'gain') : this.upload(Float32Array.from(normGain(cfg, t)), label, true);
    const optGain = (t: Tensor | undefined, label: string) => (t ? gain(t, label) : null);
    this.finalNorm = gain(w.finalNorm.weight, 'norm_f');
    this.finalNormBias = opt(w.finalNorm.bias, 'norm_f.bias');
    // Positions a call can reach: a row and its virtual tokens, or the generation cache (not the whole context of a
    // 32k-position model: its table would take 32k·hd floats for nothing).
    const ropePositions = Math.min(cfg.maxPositions, Math.max(MAX_CACHE_POSITIONS, cap.tokens + cap.virtualTokens));
    const rope = cfg.positions === 'rope';
    this.ropeTable = this.upload(rope ? ropeTable(ropeInvFreq(cfg), ropePositions) : new Float32Array(4), 'rope_table');
    this.ropeTableLocal = rope && cfg.localRopeTheta !== null ? this.upload(ropeTable(ropeInvFreq(cfg, true), ropePositions), 'rope_table_local') : this.ropeTable;
    this.layers = w.layers.map((lw, l) => ({
      norm1: gain(lw.norm1.weight, `${l}.norm1`), norm1Bias: opt(lw.norm1.bias, `${l}.norm1.bias`),
      q: matrix(lw.q.weight, `${l}.q`), qBias: opt(lw.q.bias, `${l}.q.bias`),
      k: matrix(lw.k.weight, `${l}.k`), kBias: opt(lw.k.bias, `${l}.k.bias`),
      v: matrix(lw.v.weight, `${l}.v`), vBias: opt(lw.v.bias, `${l}.v.bias`),
      o: matrix(lw.o.weight, `${l}.o`), oBias: opt(lw.o.bias, `${l}.o.bias`),
      qNorm: optGain(lw.qNorm, `${l}.q_norm`), kNorm: optGain(lw.kNorm, `${l}.k_norm`),
      postAttnNorm: optGain(lw.postAttnNorm?.weight, `${l}.post_attn_norm`), postMlpNorm: optGain(lw.postMlpNorm?.weight, `${l}.post_mlp_norm`),
      norm2: gain(lw.norm2.weight, `${l}.norm2`), norm2Bias: opt(lw.norm2.bias, `${l}.norm2.bias`),
      gate: lw.gate ? matrix(lw.gate.weight, `${l}.gate`) : null,
      up: matrix(lw.up.weight, `${l}.up`), upBias: opt(lw.up.bias, `${l}.up.bias`),
      down: matrix(lw.down.weight, `${l}.down`), downBias: opt(lw.down.bias, `${l}.down.bias`),
    }));
    const f = (n: number, label: string) => this.alloc(4 * Math.max(1, n), label);
    this.acts = w.layers.map((_, l) => ({
      x: f(BS * C, `${l}.x`),
      h1: f(BS * C, `${l}.h1`),
      stats1: f(BS * 2, `${l}.stats1`),
      qRaw: cfg.qkNorm ? f(BS * H * hd, `${l}.qRaw`) : null,
      kRaw: cfg.qkNorm ? f(BS * KVH * hd, `${l}.kRaw`) : null,
      qStats: cfg.qkNorm ? f(BS * H * 2, `${l}.qStats`) : null,
      kStats: cfg.qkNorm ? f(BS * KVH * 2, `${l}.kStats`) : null,
      q: f(BS * H * hd, `${l}.q`),
      k: f(BS * KVH * hd, `${l}.k`),
      v: f(BS * KVH * hd, `${l}.v`),
      att: f(BS * H * hd, `${l}.att`),
      lse: f(2 * BS * H, `${l}.lse`),
      oOut: cfg.postNorms ? f(BS * C, `${l}.oOut`) : null,
      statsPA: cfg.postNorms ? f(BS * 2, `${l}.statsPA`) : null,
      xMid: f(BS * C, `${l}.xMid`),
      h2: f(BS * C, `${l}.h2`),
      stats2: f(BS * 2, `${l}.stats2`),
      gate: cfg.mlp !== 'gelu_new' ? f(BS * I, `${l}.gate`) : null,
      up: f(BS * I, `${l}.up`),
      act: f(BS * I, `${l}.act`),
      downOut: cfg.postNorms ? f(BS * C, `${l}.downOut`) : null,
      statsPF: cfg.postNorms ? f(BS * 2, `${l}.statsPF`) : null,
    }));
    this.xOut = f(BS * C, 'xOut');
    this.hf = f(BS * C, 'hf');
    this.statsF = f(BS * 2, 'statsF');
    this.hT = f(R * C, 'hT');
    this.logits = f(R * V, 'logits');
    this.losses = f(R, 'losses');
    this.dx = f(BS * C, 'dx');
    this.dxMid = f(BS * C, 'dxMid');
    this.dh = f(BS * C, 'dh');
    this.dAct = f(BS * I, 'dAct');
    this.dAtt = f(BS * H * hd, 'dAtt');
    this.dq = f(BS * H * hd, 'dq');
    this.dk = f(BS * KVH * hd, 'dk');
    this.dv = f(BS * KVH * hd, 'dv');
    this.dqRaw = cfg.qkNorm ? f(BS * H * hd, 'dqRaw') : null;
    this.dkRaw = cfg.qkNorm ? f(BS * KVH * hd, 'dkRaw') : null;
    this.dSub = cfg.postNorms ? f(BS * C, 'dSub') : null;
    this.dhT = f(R * C, 'dhT');
    this.ids = f(BS, 'ids');
    this.mask = f(BS, 'mask');
    this.pos = f(R, 'pos');
    this.targets = f(R, 'targets');
    this.dyn = f(4, 'dyn');
    this.prompt = f(cap.virtualTokens * C, 'prompt');
    this.prefix = f(cap.virtualTokens * W, 'prefix');
    this.dPrompt = f(cap.virtualTokens * C, 'dPrompt');
    this.dPrefix = f(cap.virtualTokens * W, 'dPrefix');
    const read = (bytes: number, label: string) => {
      const b = device.createBuffer({ label, size: Math.max(16, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      this.all.push(b);
      return b;
    };
    this.lossesRead = read(4 * R, 'lossesRead');
    this.gradRead = read(4 * cap.virtualTokens * Math.max(C, W), 'gradRead');
    this.logitsRead = read(4 * R * V, 'logitsRead');
  }

  private alloc(bytes: number, label: string): GPUBuffer {
    // Labelled, so the browser's and Dawn's validation messages name the buffer.
    const b = this.device.createBuffer({ label, size: Math.ceil(bytes / 16) * 16, usage: storageUsage() });
    this.all.push(b);
    return b;
  }

  private upload(data: Float32Array | Uint16Array, label: string, isWeight = false): GPUBuffer {
    const size = Math.ceil(Math.max(16, data.byteLength) / 16) * 16;
    const b = this.device.createBuffer({ label, size, usage: storageUsage(), mappedAtCreation: true });
    if (data instanceof Float32Array) new Float32Array(b.getMappedRange()).set(data);
    else new Uint16Array(b.getMappedRange()).set(data);
    b.unmap();
    this.all.push(b);
    if (isWeight) this.weightBytes += size;
    return b;
  }

  /** f32 → packed halves, rounded to nearest even; a value beyond f16's range is an error, not a silent ±∞. */
  private uploadHalf(t: Tensor, label: string): GPUBuffer {
    return markHalf(this.upload(this.halvesOf(t, label), label, true));
  }

  /** The tensor as packed halves: F16/BF16 host bits converted directly (never widened), else f32 rounded. */
  private halvesOf(t: Tensor, label: string): Uint16Array {
    const bits = isHostTensor(t) ? t.halfBits : null;
    if (bits && isHostTensor(t)) {
      const { halves, overflowAt } = halfBitsFor(bits, t.dtype as 'F16' | 'BF16');
      if (overflowAt >= 0)
        throw new Error(`weight ${label} holds ${t.data[overflowAt]}, beyond float16's range (±65504): load this model with f32 weight storage`);
      return halves;
    }
    const data = t.data;
    const halves = packHalves(data);
    for (let i = 0; i < data.length; i++)
      if ((halves[i] & 0x7c00) === 0x7c00 && Number.isFinite(data[i]))
        throw new Error(`weight ${label} holds ${data[i]}, beyond float16's range (±65504): load this model with f32 weight storage`);
    return halves;
  }

  private readonly pending = new Map<HostTensor, { buffer: GPUBuffer; kind: 'f32' | 'f16' | 'gain'; label: string }>();

  /** A weight buffer whose bytes come later (writeWeight): f32 as stored, packed halves, or a norm's gain. */
  private reserve(t: HostTensor, label: string, kind: 'f32' | 'f16' | 'gain'): GPUBuffer {
    const prev = this.pending.get(t);
    if (prev) return prev.buffer;
    const half = kind === 'f16';
    const bytes = half ? 2 * (t.size + (t.size & 1)) : 4 * t.size;
    const size = Math.ceil(Math.max(16, bytes) / 16) * 16;
    const b = this.device.createBuffer({ label, size, usage: storageUsage() });
    this.all.push(b);
    this.weightBytes += size;
    this.pending.set(t, { buffer: b, kind, label });
    if (half) markHalf(b);
    return b;
  }

  /** Tensors whose buffers still wait for their bytes. */
  get pendingWeights(): number {
    return this.pending.size;
  }

  /** Writes a streamed tensor's bytes (now on the host) into the buffer reserved for it. */
  writeWeight(t: HostTensor): void {
    const p = this.pending.get(t);
    if (!p) return;
    const data = p.kind === 'f16' ? this.halvesOf(t, p.label) : p.kind === 'gain' ? Float32Array.from(normGain(this.cfg, t)) : t.data;
    this.device.queue.writeBuffer(p.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    this.pending.delete(t);
  }

  destroy(): void {
    for (const b of this.all) b.destroy();
  }
}
