// Methods by name: a new method is one file and one line here.
import type { MethodName, MethodOptions, TuningMethod } from './method.ts';
import { promptTuning } from './prompt-tuning.ts';
import { prefixTuning } from './prefix-tuning.ts';
import { pTuning } from './p-tuning.ts';

export const METHODS: { [K in MethodName]: TuningMethod<Extract<MethodOptions, { method: K }>> } = {
  prompt: promptTuning,
  prefix: prefixTuning,
  ptuning: pTuning,
};

/** The method for a set of options, typed loosely on purpose: options and method always travel together. */
export function methodFor(options: MethodOptions): TuningMethod<MethodOptions> {
  return METHODS[options.method] as unknown as TuningMethod<MethodOptions>;
}
