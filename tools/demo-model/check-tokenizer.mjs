// Checks that @huggingface/transformers reads the demo tokenizer exactly as tokenizer.py writes it: the same ids
// for every sample string (tools/.cache/tokenizer-samples.json, written by tokenizer.py) and a lossless decode.
// node tools/demo-model/check-tokenizer.mjs
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { readFileSync } from 'node:fs';

const dir = 'public/models/demo';
const tok = new PreTrainedTokenizer(
  JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8')),
  JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8')),
);
const { samples } = JSON.parse(readFileSync('tools/.cache/tokenizer-samples.json', 'utf8'));
let ok = true;
for (const [text, ids] of samples) {
  const got = tok.encode(text, { add_special_tokens: false });
  const back = tok.decode(got);
  const same = JSON.stringify(got) === JSON.stringify(ids) && back === text;
  ok &&= same;
  console.log(same ? 'same' : 'DIFF', JSON.stringify(text), got.join(' '), same ? '' : `| py ${ids.join(' ')} | ${JSON.stringify(back)}`);
}
// The special ids the studio reads from the tokenizer must be the model config's.
const cfg = JSON.parse(readFileSync(`${dir}/config.json`, 'utf8'));
const specialOk = tok.eos_token_id === cfg.eos_token_id && tok.pad_token_id === cfg.pad_token_id;
ok &&= specialOk;
console.log(specialOk ? 'same' : 'DIFF', 'eos', tok.eos_token_id, cfg.eos_token_id, 'pad', tok.pad_token_id, cfg.pad_token_id);
process.exit(ok ? 0 : 1);
