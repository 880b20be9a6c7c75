// Seeded randomness for everything that must be reproducible (prompt init, data order, splits): mulberry32,
// a 32-bit-state generator (Tommy Ettinger, public domain) that passes gjrand / PractRand up to its period of
// 2^32, plenty for shuffling thousands of rows and initialising a few thousand prompt values. Its whole state
// is one uint32, so a checkpoint stores it as `[state]` and a resumed run draws exactly the same numbers.
export class Rng {
  private state: number;
  /** Box–Muller yields two normals per pair of uniforms; the second is kept here (part of the state). */
  private spare: number | null = null;

  constructor(seed: number) {
    // The golden-ratio xor keeps seed 0 from starting on a low-entropy state.
    this.state = ((seed >>> 0) ^ 0x9e3779b9) >>> 0; // seed 0 must not give the all-zero start
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Normal with the given mean and standard deviation (Box–Muller; both values of a pair are used). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    const u = 1 - this.uniform(); // (0, 1]: log(u) stays finite
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`Rng.int needs a whole number n ≥ 1 (got ${n})`);
    return Math.floor(this.uniform() * n);
  }

  /** A shuffled copy (Fisher–Yates); the input is left as it was. */
  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  /** k distinct items drawn without replacement, in draw order (a partial Fisher–Yates). */
  sample<T>(items: readonly T[], k: number): T[] {
    if (!(Number.isInteger(k) && k >= 0 && k <= items.length))
      throw new RangeError(`cannot sample ${k} distinct items from ${items.length}`);
    const a = [...items];
    for (let i = 0; i < k; i++) {
      const j = i + this.int(a.length - i);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.slice(0, k);
  }

  /** The full state: `[state]`, or `[state, spareNormal]` when a Box–Muller value is pending. */
  getState(): number[] {
    return this.spare === null ? [this.state] : [this.state, this.spare];
  }

  setState(s: readonly number[]): void {
    if (s.length < 1 || !Number.isFinite(s[0])) throw new Error(`invalid RNG state ${JSON.stringify(s)}`);
    this.state = s[0] >>> 0;
    this.spare = s.length > 1 ? s[1] : null;
  }
}
