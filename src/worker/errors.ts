// Errors cross the worker boundary as `[code] sentence` (Comlink keeps an Error's message): the UI shows the
// sentence and can branch on the code.
import type { StudioErrorCode } from './protocol.ts';

export class StudioError extends Error {
  constructor(readonly code: StudioErrorCode, message: string) {
    super(`[${code}] ${message}`);
    this.name = 'StudioError';
  }
}

export function asStudioError(e: unknown, fallback: StudioErrorCode): StudioError {
  if (e instanceof StudioError) return e;
  return new StudioError(fallback, e instanceof Error ? e.message : String(e));
}

/** `work` with its failures as coded errors (`fallback` unless it threw a StudioError already): the one wrapper
 *  for the worker's requests. */
export function guarded<A extends unknown[], R>(work: (...args: A) => Promise<R> | R, fallback: StudioErrorCode = 'bad-input'): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await work(...args);
    } catch (e) {
      throw asStudioError(e, fallback);
    }
  };
}
