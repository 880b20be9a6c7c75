// Methods by name: a new method is its card (cards/<method>.ts, one line in cards/index.ts) and its compute
// file with one line here; the mapped type below refuses a card without compute. `registerMethod` adds one at
// run time (card and compute together), as a plug-in would.
import type { ModelConfig } from '../../engine/model/config.ts';
import type { BaseMethodOptions, MethodName, OptionsOf } from './cards/index.ts';
import { cardFor, registerCard } from './cards/index.ts';
import type { MethodOptions, TuningMethod } from './method.ts';
import { commonChecks } from './checks.ts';
import { promptTuning } from './prompt-tuning.ts';
import { prefixTuning } from './prefix-tuning.ts';
import { pTuning } from './p-tuning.ts';

export const METHODS: { [K in MethodName]: TuningMethod<OptionsOf<K>> } = {
  prompt: promptTuning,
  prefix: prefixTuning,
  ptuning: pTuning,
};

// Typed loosely on purpose: options and method always travel together.
const registered = new Map<string, TuningMethod<BaseMethodOptions>>(
  Object.values(METHODS).map((m) => [m.name, m as unknown as TuningMethod<BaseMethodOptions>]),
);

/** Adds a method (its card included) at run time. */
export function registerMethod<O extends BaseMethodOptions>(method: TuningMethod<O>): void {
  registerCard(method);
  registered.set(method.name, method as unknown as TuningMethod<BaseMethodOptions>);
}

/** The method for a set of options, typed loosely on purpose: options and method always travel together. */
export function methodFor(options: BaseMethodOptions): TuningMethod<MethodOptions> {
  const method = registered.get(options.method);
  if (!method) cardFor(options.method); // throws the sentence that names the known methods
  return method as unknown as TuningMethod<MethodOptions>;
}

/** Every problem with a method's options on this model: the shared checks, then the method's own. */
export function checkMethodOptions(options: BaseMethodOptions, cfg: ModelConfig): string[] {
  const method = methodFor(options) as unknown as TuningMethod<BaseMethodOptions>;
  return [...commonChecks(method, options, cfg), ...(method.checkOptions?.(options, cfg) ?? [])];
}
