// What the studio needs to know of a tuning method apart from its compute: its name, PEFT type and fields, its
// starting options and learning rate, and a description of its option fields that the UI renders. A card
// imports nothing at runtime (type-only imports; eslint.config.js checks it), so the UI may import it under the
// layer rule; the method's compute (../<method>.ts) spreads its card, so both say the same by construction.

/** What every method's options have. */
export interface BaseMethodOptions {
  method: string;
  virtualTokens: number; // PEFT num_virtual_tokens; the UI renders this field for every method
}

interface FieldBase<O> {
  key: Extract<keyof O, string>;
  label: string;
  /** PEFT's name for the field, shown as the field's tooltip. */
  peft: string;
  testId: string;
  /** Shown only when this holds (e.g. the init text only for text init). */
  showIf?(options: O): boolean;
}

/** One option field as the UI renders it. */
export type OptionField<O> =
  | (FieldBase<O> & { kind: 'integer'; min: number })
  | (FieldBase<O> & { kind: 'choice'; choices: readonly { value: string; label: string }[] })
  | (FieldBase<O> & { kind: 'flag' })
  | (FieldBase<O> & { kind: 'text' });

export type PeftValue = string | number | boolean | null;

/** What the method's own adapter_config.json fields are computed from. */
export interface PeftFieldContext {
  tokenDim: number; // the token_dim PEFT records for this method on this model
  baseModel: string | null;
  initText?: string;
  tokenizerName?: string;
}

export interface MethodCard<O extends BaseMethodOptions = BaseMethodOptions> {
  name: O['method'];
  /** PEFT's peft_type. */
  peftType: string;
  title: string;
  /** One or two sentences for the UI: what it is and where its defaults come from. */
  note: string;
  defaults: O;
  /** The learning rate that suits this method: the studio sets it when the method is picked, the baselines use it. */
  learningRate: number;
  /** The option fields beyond virtualTokens, in the order the UI shows them. */
  fields: readonly OptionField<O>[];
  /** How the engine takes the exported table: as input embeddings ('prompt') or as a KV prefix ('prefix'). */
  engineInput: 'prompt' | 'prefix';
  /** PEFT records token_dim = KVH·head_dim and num_attention_heads = KVH on configs with num_key_value_heads
   *  (prefix tuning's GQA-aware layout; PEFT #1901, #2881); otherwise the hidden size and the heads. */
  peftKeyValueDims: boolean;
  /** The method's own adapter_config.json fields (beyond PeftConfig + PromptLearningConfig). */
  peftFields(options: O, ctx: PeftFieldContext): Record<string, PeftValue>;
  /** Fields that Python writes as floats (json.dumps(0.0) is "0.0", JSON.stringify(0) is "0"). */
  peftFloatFields?: readonly string[];
}
