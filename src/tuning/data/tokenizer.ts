// The tokenizer as the tuning layer sees it. `Tokenizer` is the minimal contract (encode / decode) that the
// data code needs, so tests can pass a tiny object; `TextTokenizer` adds what rows, evaluation and the UI use.
// The real one wraps @huggingface/transformers: built straight from tokenizer.json + tokenizer_config.json
// (`tokenizerFromJson`: files already in memory, from the Hub cache or a picked folder) or loaded by
// `loadTokenizer` from a folder served by the app (browser) or a local folder (Node).
//
// Special tokens, as Python transformers adds them (rows are built the way `tokenizer(text)` builds them):
// `encode` never adds any (answers, label continuations, text fragments); `encodeWithSpecialTokens` is
// `tokenizer(text)` — the checkpoint's own rule (`specialTokens`): for the Llama and Gemma tokenizer classes
// (LlamaTokenizer[Fast], GemmaTokenizer[Fast], CodeLlamaTokenizer[Fast]) transformers rebuilds the post-processor
// from tokenizer_config.json's `add_bos_token` (default true) and `add_eos_token` (default false); every other
// class uses tokenizer.json's `post_processor` as it is (TemplateProcessing: Llama 3.x's `<|begin_of_text|>`;
// ByteLevel: GPT-2, Qwen, SmolLM2, the demo model, nothing). transformers.js applies the post-processor only,
// so the Llama/Gemma rule is applied here; for the tokenizers the tests load the two agree.
import { AutoTokenizer, env, PreTrainedTokenizer } from '@huggingface/transformers';

export interface Tokenizer {
  /** The text's tokens, no special tokens added. */
  encode(text: string): number[];
  decode(ids: number[]): string;
}

/** What `tokenizer(text)` puts around the text's tokens, and where that rule comes from. */
export interface SpecialTokenRule {
  prefix: number[]; // e.g. [BOS]
  suffix: number[]; // e.g. [EOS] with add_eos_token
  source: string; // a sentence: "tokenizer.json post_processor (TemplateProcessing)", "LlamaTokenizer add_bos_token=true …"
}

/** The tokenizer's chat template (tokenizer_config.json `chat_template`), rendered by transformers.js. */
export interface ChatTemplate {
  /** `apply_chat_template([{ role: 'user', content }], { tokenize: false, add_generation_prompt: true })`. */
  userTurn(content: string): string;
  /** What closes an assistant reply (`<|im_end|>`, `<end_of_turn>`, `<|eot_id|>`): its text and tokens. */
  endOfTurn: { text: string; ids: number[] };
}

/** A run of tokens as the preview shows them: special tokens one by one, ordinary text decoded together. */
export interface TokenPiece {
  text: string;
  special: boolean;
}

export interface TextTokenizer extends Tokenizer {
  /** `tokenizer(text)` in transformers: the text with the checkpoint's special tokens (`specialTokens`). */
  encodeWithSpecialTokens(text: string): number[];
  specialTokens: SpecialTokenRule;
  /** null when tokenizer_config.json has no chat template (or it cannot be rendered: `chatProblem` says why). */
  chat: ChatTemplate | null;
  chatProblem: string | null;
  /** One token as text, special tokens included (for "nearest tokens" of a soft prompt). */
  tokenText(id: number): string;
  /** Ids as the model sees them: special tokens kept and marked, no clean-up of spaces. */
  pieces(ids: number[]): TokenPiece[];
  eosTokenId: number | null;
  bosTokenId: number | null;
  vocabSize: number;
}

// The classes whose transformers implementation rebuilds the post-processor from add_bos_token / add_eos_token.
const BOS_FLAG_CLASSES = new Set(['LlamaTokenizer', 'GemmaTokenizer', 'CodeLlamaTokenizer']);

function specialTokenRule(tok: PreTrainedTokenizer, config: Record<string, unknown>): SpecialTokenRule {
  const cls = String(config.tokenizer_class ?? '').replace(/Fast$/, '');
  const t = tok as unknown as { bos_token_id?: number | null; eos_token_id?: number | null };
  if (BOS_FLAG_CLASSES.has(cls)) {
    const bos = typeof config.add_bos_token === 'boolean' ? config.add_bos_token : true;
    const eos = typeof config.add_eos_token === 'boolean' ? config.add_eos_token : false;
    return {
      prefix: bos && typeof t.bos_token_id === 'number' ? [t.bos_token_id] : [],
      suffix: eos && typeof t.eos_token_id === 'number' ? [t.eos_token_id] : [],
      source: `${cls}: add_bos_token=${bos}, add_eos_token=${eos} (transformers builds the post-processor from these)`,
    };
  }
  // The post-processor's single-sequence template, read off by encoding a probe with and without it.
  const probe = 'a';
  const plain = tok.encode(probe, { add_special_tokens: false });
  const full = tok.encode(probe, { add_special_tokens: true });
  let at = -1;
  for (let i = 0; i + plain.length <= full.length && at < 0; i++) if (plain.every((id, j) => full[i + j] === id)) at = i;
  if (at < 0) throw new Error(`the tokenizer's post-processor changes the text's own tokens (${JSON.stringify(plain)} → ${JSON.stringify(full)}); it is not supported`);
  const kind = ((tok as unknown as { _tokenizerJSON?: { post_processor?: { type?: string } | null } })._tokenizerJSON?.post_processor?.type) ?? 'none';
  return { prefix: full.slice(0, at), suffix: full.slice(at + plain.length), source: `tokenizer.json post_processor (${kind})` };
}

const SENTINEL = 'ASSISTANT_REPLY_SENTINEL';

function chatTemplateOf(tok: PreTrainedTokenizer): { chat: ChatTemplate | null; problem: string | null } {
  const t = tok as unknown as { chat_template?: unknown };
  if (!t.chat_template) return { chat: null, problem: "this tokenizer has no chat template (tokenizer_config.json has no chat_template): it is a base model's tokenizer, so use the plain template" };
  const render = (messages: { role: string; content: string }[], addGenerationPrompt: boolean): string =>
    tok.apply_chat_template(messages, { tokenize: false, add_generation_prompt: addGenerationPrompt }) as unknown as string;
  try {
    // The end of turn: what the template writes right after an assistant reply, up to the end of that line.
    const full = render([{ role: 'user', content: 'x' }, { role: 'assistant', content: SENTINEL }], false);
    const at = full.lastIndexOf(SENTINEL);
    if (at < 0) return { chat: null, problem: 'the chat template drops the assistant reply, so rows cannot be built through it' };
    const text = full.slice(at + SENTINEL.length).split('\n')[0].trim();
    const eos = (tok as unknown as { eos_token?: string | null }).eos_token ?? '';
    const endText = text || eos;
    const ids = endText ? tok.encode(endText, { add_special_tokens: false }) : [];
    render([{ role: 'user', content: 'x' }], true);
    return { chat: { userTurn: (content) => render([{ role: 'user', content }], true), endOfTurn: { text: endText, ids } }, problem: null };
  } catch (e) {
    return { chat: null, problem: `the tokenizer's chat template cannot be rendered here: ${(e as Error).message}` };
  }
}

function pieces(tok: PreTrainedTokenizer, special: ReadonlySet<number>, ids: number[]): TokenPiece[] {
  const out: TokenPiece[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length) out.push({ text: tok.decode(run, { skip_special_tokens: false, clean_up_tokenization_spaces: false }), special: false });
    run = [];
  };
  for (const id of ids) {
    if (special.has(id)) {
      flush();
      out.push({ text: tok.decode([id], { skip_special_tokens: false, clean_up_tokenization_spaces: false }), special: true });
    } else run.push(id);
  }
  flush();
  return out;
}

function wrap(tok: PreTrainedTokenizer, vocabSize: number): TextTokenizer {
  const t = tok as unknown as { eos_token_id?: number | null; bos_token_id?: number | null; all_special_ids?: number[]; config?: Record<string, unknown> };
  const rule = specialTokenRule(tok, t.config ?? {});
  const { chat, problem } = chatTemplateOf(tok);
  const special = new Set(t.all_special_ids ?? []);
  const encode = (text: string) => tok.encode(text, { add_special_tokens: false });
  return {
    encode,
    encodeWithSpecialTokens: (text) => [...rule.prefix, ...encode(text), ...rule.suffix],
    specialTokens: rule,
    chat,
    chatProblem: problem,
    decode: (ids) => tok.decode(ids, { skip_special_tokens: true }),
    tokenText: (id) => tok.decode([id], { skip_special_tokens: false }),
    pieces: (ids) => pieces(tok, special, ids),
    eosTokenId: typeof t.eos_token_id === 'number' ? t.eos_token_id : null,
    bosTokenId: typeof t.bos_token_id === 'number' ? t.bos_token_id : null,
    vocabSize,
  };
}

/** Vocabulary size: the largest id in the vocabulary or the added tokens, plus one. */
function vocabSizeOf(tok: PreTrainedTokenizer): number {
  let max = -1;
  for (const id of tok.get_vocab().values()) if (id > max) max = id;
  return max + 1;
}

export function tokenizerFromJson(tokenizerJson: object, tokenizerConfig: object): TextTokenizer {
  const tok = new PreTrainedTokenizer(tokenizerJson, tokenizerConfig);
  return wrap(tok, vocabSizeOf(tok));
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Loads the tokenizer of a model folder with transformers' AutoTokenizer (which picks the tokenizer class
 * from tokenizer_config.json). `urlOrDir`: in the browser a URL or a path the app serves (`/models/demo`);
 * in Node a local directory. Nothing is fetched from the Hub (allowRemoteModels = false).
 */
export async function loadTokenizer(urlOrDir: string): Promise<TextTokenizer> {
  const trimmed = urlOrDir.replace(/\/+$/, '');
  const isUrl = /^https?:\/\//.test(trimmed) || !isNode;
  let base: string;
  let name: string;
  if (isUrl) {
    const dir = new URL(`${trimmed}/`, isNode ? undefined : globalThis.location?.href);
    await checkServed(new URL('tokenizer.json', dir).href);
    await checkServed(new URL('tokenizer_config.json', dir).href);
    name = dir.pathname.split('/').filter(Boolean).pop() ?? '';
    base = new URL('../', dir).href;
  } else {
    const parts = trimmed.split(/[\\/]/);
    name = parts.pop() ?? '';
    base = `${parts.join('/') || '.'}/`;
  }
  // transformers reads "local" models from env.localModelPath + name; these settings are global, so set them
  // for this call only and put the previous values back.
  const saved = { allowLocalModels: env.allowLocalModels, allowRemoteModels: env.allowRemoteModels, localModelPath: env.localModelPath, useBrowserCache: env.useBrowserCache, useFSCache: env.useFSCache };
  Object.assign(env, { allowLocalModels: true, allowRemoteModels: false, localModelPath: base, useBrowserCache: false, useFSCache: false });
  try {
    const tok = await AutoTokenizer.from_pretrained(name);
    return wrap(tok, vocabSizeOf(tok));
  } catch (e) {
    throw new Error(`could not load the tokenizer from ${urlOrDir} (it needs tokenizer.json and tokenizer_config.json): ${(e as Error).message}`, { cause: e });
  } finally {
    Object.assign(env, saved);
  }
}

/** A dev server answers a missing file with index.html ("Unexpected token '<'" later): say so up front. */
async function checkServed(url: string): Promise<void> {
  const res = await fetch(url);
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}; the tokenizer files are missing`);
  if (type.includes('text/html')) throw new Error(`${url} is an HTML page, not JSON: the file is missing and the server sent its index page`);
  await res.body?.cancel();
}
