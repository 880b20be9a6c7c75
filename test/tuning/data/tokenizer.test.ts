import { describe, expect, it } from 'vitest';
import { tokenizerFromJson } from '../../../src/tuning/data/tokenizer.ts';
import { targetText } from '../../../src/tuning/data/template.ts';

// A hand-written byte-level BPE in the GPT-2 layout (Ġ marks a leading space), small enough to check by eye:
// "yes" and " yes" are different single tokens, which is why answers are scored with a leading space.
const vocab: Record<string, number> = {
  '<|endoftext|>': 0, Ġ: 1, y: 2, e: 3, s: 4, n: 5, o: 6, ':': 7,
  Ġy: 8, Ġye: 9, Ġyes: 10, ye: 11, yes: 12, Ġn: 13, Ġno: 14, no: 15,
};
const tokenizerJson = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [{ id: 0, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false,
    vocab,
    merges: ['Ġ y', 'Ġy e', 'Ġye s', 'y e', 'ye s', 'Ġ n', 'Ġn o', 'n o'],
  },
};
const tokenizerConfig = {
  tokenizer_class: 'GPT2Tokenizer', bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>',
  add_bos_token: false, clean_up_tokenization_spaces: false, model_max_length: 64,
};

describe('tokenizerFromJson', () => {
  const tok = tokenizerFromJson(tokenizerJson, tokenizerConfig);

  it('encodes with the BPE merges and adds no special tokens', () => {
    expect(tok.encode('yes')).toEqual([12]);
    expect(tok.encode(' yes')).toEqual([10]);
    expect(tok.encode(targetText('no'))).toEqual([14]);
    expect(tok.encode('no: yes')).toEqual([15, 7, 10]);
  });

  it('decodes back to the text, dropping special tokens; tokenText keeps them', () => {
    expect(tok.decode([15, 7, 10])).toBe('no: yes');
    expect(tok.decode([10, 0])).toBe(' yes');
    expect(tok.tokenText(0)).toBe('<|endoftext|>');
    expect(tok.tokenText(10)).toBe(' yes');
  });

  it('reports EOS and the vocabulary size', () => {
    expect(tok.eosTokenId).toBe(0);
    expect(tok.vocabSize).toBe(Object.keys(vocab).length);
  });
});
