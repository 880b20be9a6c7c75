// The studio's starting setup. The method cards (src/tuning/methods/cards: titles, notes, defaults, learning
// rates, option fields) and the training defaults (src/tuning/train-config.ts) are dependency-free modules the
// layer rule lets the UI import (eslint.config.js), so nothing here copies them.
import { METHOD_CARDS, METHOD_NAMES, type MethodName } from '../tuning/methods/cards/index.ts';
import { DEFAULT_TRAIN_CONFIG } from '../tuning/train-config.ts';
import type { TrainConfig } from '../worker/protocol.ts';

export { METHOD_CARDS, METHOD_NAMES, type MethodName };
export type HyperParams = Omit<TrainConfig, 'method' | 'startFrom'>; // the start is chosen on the meta-learning panel

// The default method's learning rate (prompt tuning, its card) with the rest of DEFAULT_TRAIN_CONFIG.
export const DEFAULT_HYPER: HyperParams = { ...DEFAULT_TRAIN_CONFIG, learningRate: METHOD_CARDS.prompt.learningRate };

export const DEFAULT_TEMPLATE = 'Review: {input}\nSentiment:';
export const DEFAULT_VALIDATION_FRACTION = 0.2;
export const DEFAULT_DATA_SEED = 42;

/** The bundled demo model, loaded at start. */
export const DEMO_MODEL = { kind: 'bundled', id: 'demo' } as const;

/** What the engine's model families cover (DESIGN.md, engine/model). Shown beside the Hub id field. */
export const SUPPORTED_FAMILIES = 'GPT-2, Llama (SmolLM2, TinyLlama), Qwen2 / Qwen2.5, Qwen3, Gemma 3 (text)';
export const HUB_EXAMPLE_ID = 'HuggingFaceTB/SmolLM2-135M';

/** Playground sampling defaults: greedy (temperature 0) and short; raising the temperature then samples from the
 *  40 most likely tokens, the same draw for a given seed. */
export const DEFAULT_GENERATION = { maxTokens: 24, temperature: 0, topK: 40, seed: 0 };
