// The tokenizer as the tuning layer sees it. `Tokenizer` is the minimal contract (encode / decode) that the
// data code needs, so tests can pass a tiny object; `TextTokenizer` adds what evaluation and the UI use. The
// real one wraps @huggingface/transformers: built straight from tokenizer.json + tokenizer_config.json
// (`tokenizerFromJson`: files already in memory, from the Hub cache or a picked folder) or loaded by
// `loadTokenizer` from a folder served by the app (browser) or a local folder (Node). Special tokens are never
// added: the template says exactly what the model sees.
import { AutoTokenizer, env, PreTrainedTokenizer } from '@huggingface/transformers';

export interface Tokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
}

export interface TextTokenizer extends Tokenizer {
  /** One token as text, special tokens included (for "nearest tokens" of a soft prompt). */
  tokenText(id: number): string;
  eosTokenId: number | null;
  vocabSize: number;
}

function wrap(tok: PreTrainedTokenizer, vocabSize: number): TextTokenizer {
  const eos = (tok as unknown as { eos_token_id?: number | null }).eos_token_id;
  return {
    encode: (text) => tok.encode(text, { add_special_tokens: false }),
    decode: (ids) => tok.decode(ids, { skip_special_tokens: true }),
    tokenText: (id) => tok.decode([id], { skip_special_tokens: false }),
    eosTokenId: typeof eos === 'number' ? eos : null,
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
