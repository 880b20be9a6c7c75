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
// - The file is float32. A model loaded with dtype 'fp16' or 'q4f16' takes its cache in float16: freshCache(prompt,
//   model) asks the model (`cacheType`) and rounds the cache to float16 for it; the prompt then carries float16's
//   rounding (about 3 significant digits), as every cached token of such a model does. Calling model.generate()
//   yourself, pass `past_key_values: freshCache(prompt, model)`.
// - The cache belongs to one checkpoint: readPromptCache refuses a model of another shape.
// - transformers.js numbers Gemma 3's positions from 1 (transformers and the studio from 0), so for those models
//   freshCache turns the cached keys on by one position (the RoPE frequencies are in the file): the text then keeps
//   the distance to the prompt it was trained with.
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
  const rope = meta.rope ? JSON.parse(meta.rope) : null;
  return { meta, positions: Number(meta.num_virtual_tokens), rowFormat: JSON.parse(meta.row_format || '{}'), rope, tensors };
}

/** The element type the model's ONNX decoder takes its cache in: 'float32', or 'float16' (fp16 and q4f16 files). */
export function cacheType(model) {
  const session = model.sessions?.decoder_model_merged ?? model.sessions?.model;
  const input = session?.inputMetadata?.find((m) => m.name.startsWith('past_key_values.'));
  return input?.type ?? 'float32';
}

/** Model types whose positions transformers.js numbers from 1 (its create_position_ids), not from 0. */
const POSITIONS_FROM_ONE = ['gemma3_text', 'gemma3', 'paligemma'];

/** Where transformers.js puts the first cached position for this model: 0, or 1 for POSITIONS_FROM_ONE. */
export function firstPosition(model) {
  return POSITIONS_FROM_ONE.includes(model.config?.model_type) ? 1 : 0;
}

/**
 * A new DynamicCache holding copies of the prompt's tensors (generate() mutates the one it is given), made for
 * `model`: in the element type it takes (cacheType) and at the positions it counts from (firstPosition). Without
 * a model: float32 at positions 0..P-1, as in the file.
 */
export function freshCache(prompt, model) {
  const type = model ? cacheType(model) : 'float32';
  const shift = model ? firstPosition(model) : 0;
  if (type !== 'float32' && type !== 'float16') throw new Error(`this model takes its cache as ${type}; the snippet makes float32 or float16 caches`);
  const entries = {};
  for (const [name, t] of Object.entries(prompt.tensors)) {
    const layer = Number(name.split('.')[1]);
    const values = shift !== 0 && name.endsWith('.key') ? turnKeys(t, prompt.rope, layer, shift) : t.data.slice();
    entries[name] = new Tensor(type, type === 'float16' ? toFloat16(values) : values, t.dims);
  }
  return new DynamicCache(entries);
}

/**
 * Keys [1, KVH, P, hd] after RoPE at positions p, turned to positions p + shift: RoPE rotates each pair of
 * dimensions (i, i + hd/2) by position × inv_freq[i], and rotations add up, so one more rotation by
 * shift × inv_freq[i] moves a key without the model.
 */
function turnKeys(t, rope, layer, shift) {
  if (!rope) throw new Error('this cache has no RoPE frequencies (exported by an older studio, or a model without RoPE): export it again');
  const inv = rope.inv_freq[rope.layer_table[layer]];
  const hd = t.dims[3];
  const half = hd / 2;
  const cos = inv.map((f) => Math.cos(shift * f));
  const sin = inv.map((f) => Math.sin(shift * f));
  const out = new Float32Array(t.data.length);
  for (let base = 0; base < t.data.length; base += hd)
    for (let i = 0; i < half; i++) {
      const x1 = t.data[base + i];
      const x2 = t.data[base + i + half];
      out[base + i] = x1 * cos[i] - x2 * sin[i];
      out[base + i + half] = x2 * cos[i] + x1 * sin[i];
    }
  return out;
}

/**
 * float32 values rounded to float16 (to nearest, ties to even): a Float16Array where the runtime has one, else the
 * half-precision bits in a Uint16Array, which is what transformers.js and onnxruntime take there.
 */
export function toFloat16(values) {
  return typeof Float16Array !== 'undefined' ? Float16Array.from(values) : float16Bits(values);
}

/** The float16 bits of float32 values, rounded to nearest, ties to even (for runtimes without Float16Array). */
export function float16Bits(values) {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  return Uint16Array.from(values, (x) => {
    f32[0] = x;
    const bits = u32[0];
    const sign = (bits >>> 16) & 0x8000;
    const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
    const mantissa = bits & 0x7fffff;
    if (exponent === 128 + 15) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // ±∞, NaN
    if (exponent >= 0x1f) return sign | 0x7c00; // too large: ±∞
    // A normal half keeps the top 10 of the 23 mantissa bits; a subnormal one shifts the implicit 1 in too.
    const shift = exponent > 0 ? 13 : 14 - exponent;
    if (shift > 24) return sign; // below half the smallest subnormal: ±0
    const full = exponent > 0 ? mantissa : mantissa | 0x800000;
    let half = (exponent > 0 ? exponent << 10 : 0) | (full >>> shift);
    const rest = full & ((1 << shift) - 1);
    const tie = 1 << (shift - 1);
    if (rest > tie || (rest === tie && half & 1)) half += 1; // a carry into the exponent is right (up to ∞)
    return sign | half;
  });
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
    past_key_values: freshCache(prompt, model),
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
