import { PreTrainedTokenizer } from '@huggingface/transformers';
import { readFileSync } from 'node:fs';
const tj = JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8'));
const tc = JSON.parse(readFileSync('public/models/demo/tokenizer_config.json', 'utf8'));
const tok = new PreTrainedTokenizer(tj, tc);
const { samples } = JSON.parse(readFileSync('tools/.cache/tokenizer-samples.json', 'utf8'));
let ok = true;
for (const [text, ids] of samples) {
  const got = tok.encode(text, { add_special_tokens: false });
  const same = JSON.stringify(got) === JSON.stringify(ids);
  ok &&= same;
  console.log(same ? 'same' : 'DIFF', JSON.stringify(text), got.join(' '), '| py', ids.join(' '), '|', tok.decode(got));
}
process.exit(ok ? 0 : 1);
