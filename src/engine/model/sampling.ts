// Picking the next token from a row of logits: greedy, or temperature sampling restricted to the top k.
// Sampling runs on the host: a step reads back one row of V logits anyway (V·4 bytes), and a host sampler is the
// same code for the WebGPU engine and the float64 reference, so a seed gives the same draw on both.

export interface SamplingOptions {
  /** 0 (default) = greedy. Otherwise logits are divided by it before the softmax. */
  temperature?: number;
  /** Only the k most likely tokens can be drawn; 0 or undefined = the whole vocabulary; 1 = greedy. */
  topK?: number;
}

/** mulberry32, as tuning/random.ts (the engine may not import from tuning): a 32-bit state, one per generation,
 *  so a seed fixes every draw of that generation. */
export class SamplingRng {
  private state: number;
  constructor(seed: number) {
    this.state = ((seed >>> 0) ^ 0x9e3779b9) >>> 0;
  }
  /** Uniform in [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export function checkSampling(o: SamplingOptions): void {
  const t = o.temperature ?? 0;
  if (!(Number.isFinite(t) && t >= 0)) throw new Error(`temperature must be a number ≥ 0 (0 = greedy), got ${t}`);
  const k = o.topK ?? 0;
  if (!(Number.isInteger(k) && k >= 0)) throw new Error(`top-k must be a whole number ≥ 0 (0 = the whole vocabulary), got ${k}`);
}

/** Index of the largest logit; ties go to the lowest id (what the full-recompute loop always did). */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
  if (!Number.isFinite(logits[best])) throw new Error(`the model produced non-finite logits (${logits[best]}); the weights or the tuned prompt hold NaN/Inf`);
  return best;
}

/** Ids of the k largest logits, largest first, ties to the lower id. O(V·k) by insertion: k is small in practice,
 *  and k = V falls back to a sort. */
export function topKIds(logits: ArrayLike<number>, k: number): number[] {
  const V = logits.length;
  if (k >= V) return Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  const ids: number[] = [];
  for (let v = 0; v < V; v++) {
    const z = logits[v];
    if (ids.length === k && !(z > logits[ids[k - 1]])) continue;
    let i = ids.length === k ? k - 1 : ids.length;
    while (i > 0 && z > logits[ids[i - 1]]) {
      if (i < k) ids[i] = ids[i - 1];
      i--;
    }
    ids[i] = v;
    if (ids.length > k) ids.length = k;
  }
  return ids;
}

/** The next token: argmax when temperature is 0 or top-k is 1; else a draw from softmax(logits / T) over the top k. */
export function sampleToken(logits: ArrayLike<number>, o: SamplingOptions, rng: SamplingRng): number {
  const T = o.temperature ?? 0;
  const k = o.topK ?? 0;
  if (T === 0 || k === 1) return argmax(logits);
  const ids = topKIds(logits, k === 0 ? logits.length : k);
  const top = logits[ids[0]];
  if (!Number.isFinite(top)) throw new Error(`the model produced non-finite logits (${top}); the weights or the tuned prompt hold NaN/Inf`);
  const w = ids.map((id) => Math.exp((logits[id] - top) / T));
  let sum = 0;
  for (const x of w) sum += x;
  let u = rng.uniform() * sum;
  for (let i = 0; i < ids.length; i++) {
    u -= w[i];
    if (u < 0) return ids[i];
  }
  return ids[ids.length - 1]; // rounding left u ≥ 0 after the last weight
}
