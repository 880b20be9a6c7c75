// Cross-checks the bundled demo model against the studio's own engine: loads public/models/demo through
// loadModel (config parsing, safetensors reading, weight layout) and recomputes, in the float64 reference
// decoder, the label log-probs that check_evidence.py measured in PyTorch: plain template, with the tuned soft
// prompt, with the tuned prefix. Agreement means the files mean to the studio what they meant in training.
//   npx tsx tools/demo-model/check-engine.ts   (after check_evidence.py wrote tools/.cache/evidence.json)
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../cli/node-files.ts';
import { loadModel } from '../../src/engine/io/load-model.ts';
import { IGNORE_INDEX, padBatch, type ExtraInputs } from '../../src/engine/model/batch.ts';
import { ReferenceCausalLM } from '../../src/engine/reference/reference-lm.ts';

interface Crosscheck {
  prompts: number[][];
  targets: number[][];
  prompt_embeddings: number[];
  prompt_P: number;
  prefix: number[];
  prefix_P: number;
  logprob_plain: number[];
  logprob_prompt: number[];
  logprob_prefix: number[];
}

const TOLERANCE = 1e-3; // float32 PyTorch vs float64 reference, on sums of a few log-probs

const cc = (JSON.parse(readFileSync('tools/.cache/evidence.json', 'utf8')) as { engine_crosscheck: Crosscheck }).engine_crosscheck;
const { config, weights } = await loadModel(directoryModelFiles('public/models/demo'));
const lm = new ReferenceCausalLM(config, weights);
const rows = cc.prompts.map((p, i) => [...p, ...cc.targets[i]]);
const labels = cc.prompts.map((p, i) => [...p.map(() => IGNORE_INDEX), ...cc.targets[i]]);
const batch = padBatch(rows, labels, config.padTokenId ?? 0, 'right');
const cases: [string, ExtraInputs, number[]][] = [
  ['plain', {}, cc.logprob_plain],
  ['prompt', { promptEmbeds: Float32Array.from(cc.prompt_embeddings), virtualTokens: cc.prompt_P }, cc.logprob_prompt],
  ['prefix', { prefix: Float32Array.from(cc.prefix), virtualTokens: cc.prefix_P }, cc.logprob_prefix],
];
let ok = true;
for (const [name, extras, expected] of cases) {
  const got = await lm.scoreRows(batch, extras);
  const diff = Math.max(...expected.map((e, i) => Math.abs(e - got[i])));
  ok &&= diff < TOLERANCE;
  console.log(`${diff < TOLERANCE ? 'same' : 'DIFF'} ${name}: max |Δ log-prob| ${diff.toExponential(2)}`,
    Array.from(got, (g) => g.toFixed(4)).join(' '), '| torch', expected.map((e) => e.toFixed(4)).join(' '));
}
process.exit(ok ? 0 : 1);
