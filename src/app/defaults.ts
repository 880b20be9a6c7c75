// The studio's starting setup, duplicated from tuning as plain UI constants: the app must not import tuning at
// runtime (layer rule in eslint.config.js), so the numbers and notes are copied here, each citing its source.
// Keep them in step with src/tuning/methods/{prompt-tuning,prefix-tuning,p-tuning}.ts and
// src/tuning/train-config.ts (DEFAULT_TRAIN_CONFIG).
import type { MethodOptions, TrainConfig } from '../worker/protocol.ts';

export type MethodName = MethodOptions['method'];
export type HyperParams = Omit<TrainConfig, 'method' | 'startFrom'>; // the start is chosen on the meta-learning panel

export interface MethodUi<O extends MethodOptions = MethodOptions> {
  title: string;
  note: string;
  defaults: O;
  /** The learning rate that suits this method; picking the method sets it (the user may change it after). */
  learningRate: number;
}

export const METHOD_UI: { [K in MethodName]: MethodUi<Extract<MethodOptions, { method: K }>> } = {
  // src/tuning/methods/prompt-tuning.ts: vocabulary init, 16 tokens; lr 0.03 = DEFAULT_TRAIN_CONFIG.learningRate.
  prompt: {
    title: 'Prompt tuning',
    note:
      'Trainable vectors prepended to the input embeddings (Lester et al. 2021). Init from sampled vocabulary ' +
      'embeddings and lr ≈ 1e-2 do far better than random init at 1e-4 (PEFT benchmark); gains level off past ~20 tokens.',
    defaults: { method: 'prompt', virtualTokens: 16, init: 'vocab', initText: 'Classify the sentiment of this review:' },
    learningRate: 0.03,
  },
  // src/tuning/methods/prefix-tuning.ts: 8 tokens (Li & Liang: 5–10), no projection; lr 0.01.
  prefix: {
    title: 'Prefix tuning',
    note:
      'Trainable keys and values prepended to attention in every layer (Li & Liang 2021: prefix length 5–10 and ' +
      'a reparameterisation MLP). On GQA models the prefix has the KV heads’ width, as in PEFT.',
    defaults: { method: 'prefix', virtualTokens: 8, projection: false, encoderHidden: 128 },
    learningRate: 0.01,
  },
  // src/tuning/methods/p-tuning.ts: MLP encoder, hidden 128, 16 tokens; lr 0.01.
  ptuning: {
    title: 'P-tuning',
    note:
      'A small encoder (MLP, or bidirectional LSTM + MLP) produces the virtual token embeddings (Liu et al. 2021); ' +
      'it tends to converge faster than plain prompt tuning. Exported as the embeddings it produces, as in PEFT.',
    defaults: { method: 'ptuning', virtualTokens: 16, encoder: 'MLP', encoderHidden: 128 },
    learningRate: 0.01,
  },
};

export const METHOD_NAMES: MethodName[] = ['prompt', 'prefix', 'ptuning'];

// src/tuning/train-config.ts DEFAULT_TRAIN_CONFIG: AdamW (0.9, 0.999), weight decay 0 (HF Trainer), warm-up 10,
// cosine decay, clip 1.0 (HF Trainer), batch 8, 100 steps, evaluate every 25, no early stop, seed 42.
export const DEFAULT_HYPER: HyperParams = {
  learningRate: METHOD_UI.prompt.learningRate,
  weightDecay: 0,
  beta1: 0.9,
  beta2: 0.999,
  warmupSteps: 10,
  schedule: 'cosine',
  clipNorm: 1,
  batchSize: 8,
  steps: 100,
  evalEvery: 25,
  earlyStopPatience: 0,
  seed: 42,
  promptDropout: 0, // off by default; PEFT trains prompts without dropout on them
  evalLimit: 0, // every validation example
};

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
