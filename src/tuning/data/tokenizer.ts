// The tokenizer as the tuning layer sees it, wrapping @huggingface/transformers' PreTrainedTokenizer built
// straight from tokenizer.json + tokenizer_config.json (so files from the app, the Hub or a picked folder work
// alike). Special tokens are never added: templates say exactly what the model sees.
import { PreTrainedTokenizer } from '@huggingface/transformers';

export interface TextTokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
  tokenText(id: number): string;
  eosTokenId: number | null;
  vocabSize: number;
}

export function tokenizerFromJson(tokenizerJson: object, tokenizerConfig: object): TextTokenizer {
  const tok = new PreTrainedTokenizer(tokenizerJson, tokenizerConfig);
  const eos = (tok as unknown as { eos_token_id?: number | null }).eos_token_id;
  const vocab = (tokenizerJson as { model?: { vocab?: Record<string, number> | unknown[] } }).model?.vocab;
  const added = (tokenizerJson as { added_tokens?: unknown[] }).added_tokens ?? [];
  const vocabSize = vocab ? (Array.isArray(vocab) ? vocab.length : Object.keys(vocab).length) : added.length;
  return {
    encode: (text) => tok.encode(text, { add_special_tokens: false }),
    decode: (ids) => tok.decode(ids, { skip_special_tokens: true }),
    tokenText: (id) => tok.decode([id], { skip_special_tokens: false }),
    eosTokenId: typeof eos === 'number' ? eos : null,
    vocabSize,
  };
}
