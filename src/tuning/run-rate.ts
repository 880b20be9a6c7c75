// Speed and time left of a long action from what it has done so far: a training run's steps and an evaluation's
// examples. Plain arithmetic on a clock the caller may give (performance.now by default), so it is testable and the
// worker only forwards the numbers.

export interface StepRate {
  stepsPerSecond: number;
  tokensPerSecond: number;
  secondsLeft: number;
}

/** A training run's rate, from its start (the first step's time counts, as a user waits for it too). */
export class RunRate {
  private readonly started: number;
  private tokens = 0;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = now();
  }

  /** After step `step` of `total`, which trained `tokens` tokens. */
  step(step: number, total: number, tokens: number): StepRate {
    this.tokens += tokens;
    const elapsed = Math.max((this.now() - this.started) / 1000, 1e-3);
    const stepsPerSecond = step / elapsed;
    return { stepsPerSecond, tokensPerSecond: this.tokens / elapsed, secondsLeft: (total - step) / Math.max(stepsPerSecond, 1e-6) };
  }
}

/** Seconds left when `done` of `total` took `elapsedSeconds` at the same rate; null before the first is done. */
export function secondsLeft(elapsedSeconds: number, done: number, total: number): number | null {
  return done > 0 ? (elapsedSeconds / done) * (total - done) : null;
}
