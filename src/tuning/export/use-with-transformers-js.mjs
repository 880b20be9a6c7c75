// use-with-transformers-js.mjs: a prompt trained in Soft Prompt Studio, used with transformers.js
// (@huggingface/transformers 4.x, onnxruntime-web in a page or onnxruntime-node in Node).
//
// The studio exported the prompt as kv-cache.safetensors: every layer's keys and values of the virtual tokens at
// positions 0..P-1, which is all the model ever sees of a trained prompt (a soft prompt, a P-tuning prompt or a
// prefix). transformers.js's generate() takes such a cache as `past_key_values`; the text then takes positions
// P, P+1, ... and the attention mask covers the P cached positions too.
//
//   import { AutoModelForCausalLM, AutoTokenizer } from '@huggingface/transformers';
//   import { readPromptCache, generateWithPrompt } from './use-with-transformers-js.mjs';
//
//   const model = await AutoModelForCausalLM.from_pretrained(MODEL_ID, { dtype: 'fp32', device: 'webgpu' });
//   const tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID);
//   const bytes = new Uint8Array(await (await fetch('kv-cache.safetensors')).arrayBuffer());
//   const prompt = readPromptCache(bytes, model.config);
//   const { text } = await generateWithPrompt({ model, tokenizer, prompt, text: 'Review: a fine film\nSentiment:' });
//
// Caveats:
// - generate() writes into the cache it is given, so every call needs a fresh one: generateWithPrompt builds it
//   from the file's tensors each time (`freshCache`). Reusing a cache after a call would prepend the last reply.
// - `text` is the rendered template of one row, without the answer. It is tokenised as the studio built its rows
//   (the file's row_format: the prompt's special tokens, or the chat template's user turn).
// - The cache is float32: load the model's fp32 (or q8/q4, whose caches are float32 too) ONNX weights, not fp16.
// - The cache belongs to one checkpoint: readPromptCache refuses a model of another shape.
import { DynamicCache, Tensor } from '@huggingface/transformers';

/** Reads kv-cache.safetensors (bytes) and checks it against the model's config (transformers.js `model.config`). */
export function readPromptCache(bytes, config) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) throw new Error('this is not a safetensors file (its header runs past the end)');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const meta = header.__metadata__ ?? {};
  if (meta.format !== 'soft-prompt-studio/kv-cache@1') throw new Error('this is not a key/value cache exported by Soft Prompt Studio');
  const layers = Number(meta.num_hidden_layers);
  const kvHeads = Number(meta.num_key_value_heads);
  const headDim = Number(meta.head_dim);
  if (config) {
    const want = {
      layers: config.num_hidden_layers,
      kvHeads: config.num_key_value_heads ?? config.num_attention_heads,
      headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
    };
    if (want.layers !== layers || want.kvHeads !== kvHeads || want.headDim !== headDim)
      throw new Error(
        `this cache was exported for ${meta.model_id} (${layers} layers, ${kvHeads} KV heads of ${headDim}), but the model has ` +
          `${want.layers} layers, ${want.kvHeads} KV heads of ${want.headDim}: load ${meta.model_id} or export the cache again from a prompt trained on this model`,
      );
  }
  const data = 8 + headerLength;
  const tensors = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (info.dtype !== 'F32') throw new Error(`${name} is ${info.dtype}; the cache is float32`);
    const [begin, end] = info.data_offsets;
    // A copy (new Uint8Array(view) copies; a Node Buffer's slice would not): the data need not be 4-byte aligned.
    const values = new Float32Array(new Uint8Array(bytes.subarray(data + begin, data + end)).buffer);
    tensors[name] = { dims: info.shape, data: values };
  }
  return { meta, positions: Number(meta.num_virtual_tokens), rowFormat: JSON.parse(meta.row_format || '{}'), tensors };
}

/** A new DynamicCache holding copies of the prompt's tensors (generate() mutates the one it is given). */
export function freshCache(prompt) {
  const entries = {};
  for (const [name, t] of Object.entries(prompt.tensors)) entries[name] = new Tensor('float32', t.data.slice(), t.dims);
  return new DynamicCache(entries);
}

/** The ids of one prompt text, as the studio built its rows (row_format.json's rule). */
export function promptIds(tokenizer, prompt, text) {
  const rule = prompt.rowFormat;
  if (rule.chat_template) {
    const turn = tokenizer.apply_chat_template([{ role: 'user', content: text }], { tokenize: false, add_generation_prompt: true });
    return tokenizer.encode(turn, { add_special_tokens: false });
  }
  const special = rule.prompt_special_tokens ?? { prefix_ids: [], suffix_ids: [] };
  return [...special.prefix_ids, ...tokenizer.encode(text, { add_special_tokens: false }), ...special.suffix_ids];
}

/** Greedy (or sampled, through `options`) continuation of `text` with the trained prompt in front of it. */
export async function generateWithPrompt({ model, tokenizer, prompt, text, maxNewTokens = 32, ...options }) {
  const ids = promptIds(tokenizer, prompt, text);
  const T = ids.length;
  const input_ids = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, T]);
  const attention_mask = new Tensor('int64', new BigInt64Array(prompt.positions + T).fill(1n), [1, prompt.positions + T]);
  const sequences = await model.generate({
    input_ids,
    attention_mask,
    past_key_values: freshCache(prompt),
    max_new_tokens: maxNewTokens,
    do_sample: false,
    ...options,
  });
  const out = sequences.tolist()[0].slice(T).map(Number);
  // generate() keeps the end-of-sequence token it stopped on; the reply is what comes before it.
  const eos = [model.generation_config?.eos_token_id ?? model.config.eos_token_id].flat();
  const reply = eos.includes(out.at(-1)) ? out.slice(0, -1) : out;
  return { ids: reply, text: tokenizer.decode(reply, { skip_special_tokens: true }), inputIds: ids };
}
