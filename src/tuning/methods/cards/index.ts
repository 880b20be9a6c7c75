// The methods' cards by name: a new method is its card file, its compute file (../<method>.ts) and one line
// here and one in ../registry.ts (the types make each line demand the other). Dependency-free, so the UI reads
// the same titles, defaults, learning rates and option fields as the worker. `registerCard` adds a method at
// run time (a plug-in, or a test's toy method through ../registry.ts registerMethod).
import type { BaseMethodOptions, MethodCard } from './card.ts';
import { promptTuningCard, type PromptTuningOptions } from './prompt-tuning.ts';
import { prefixTuningCard, type PrefixTuningOptions } from './prefix-tuning.ts';
import { pTuningCard, type PTuningOptions } from './p-tuning.ts';

export type { BaseMethodOptions, MethodCard, OptionField, PeftFieldContext, PeftValue } from './card.ts';
export type { PromptTuningOptions, PrefixTuningOptions, PTuningOptions };

export const METHOD_CARDS = {
  prompt: promptTuningCard,
  prefix: prefixTuningCard,
  ptuning: pTuningCard,
};

type Cards = typeof METHOD_CARDS;
export type MethodName = keyof Cards;
export type MethodOptions = { [K in MethodName]: Cards[K]['defaults'] }[MethodName];
export type OptionsOf<K extends MethodName> = Cards[K]['defaults'];

// Typed loosely on purpose: a card and the options it is asked about always share a name.
const registered = new Map<string, MethodCard>(Object.values(METHOD_CARDS).map((c) => [c.name, c as unknown as MethodCard]));

export function registerCard<O extends BaseMethodOptions>(card: MethodCard<O>): void {
  if (registered.has(card.name)) throw new Error(`a tuning method named "${card.name}" is already registered`);
  if ([...registered.values()].some((c) => c.peftType === card.peftType)) throw new Error(`a tuning method with peft_type ${card.peftType} is already registered`);
  registered.set(card.name, card as unknown as MethodCard);
}

export function cardFor(name: string): MethodCard {
  const card = registered.get(name);
  if (!card) throw new Error(`unknown tuning method "${name}" (known: ${[...registered.keys()].join(', ')})`);
  return card;
}

/** Every method, in the order the UI lists them. */
export function methodCards(): MethodCard[] {
  return [...registered.values()];
}

/** The method an adapter_config.json's peft_type belongs to, if any. */
export function cardForPeftType(peftType: unknown): MethodCard | undefined {
  return [...registered.values()].find((c) => c.peftType === peftType);
}

/** The built-in methods' names, in the order the UI lists them. */
export const METHOD_NAMES = Object.keys(METHOD_CARDS) as MethodName[];
