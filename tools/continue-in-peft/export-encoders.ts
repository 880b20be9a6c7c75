// Manual check of continue-in-peft's start (not part of npm test: it needs torch, which CI does not install).
//   npx tsx tools/continue-in-peft/export-encoders.ts DIR && /usr/bin/python3 tools/continue-in-peft/check_encoders.py DIR
// Writes, for each method variant on the demo model's shapes, the studio's start.safetensors (the run's parameters
// under PEFT's names, as the export writes them) and the adapter's prompt_embeddings (the studio's own encoder
// output). check_encoders.py loads the first into torch modules laid out as PEFT's PromptEncoder, PrefixEncoder
// and PromptEmbedding (load_state_dict strict) and compares their output with the second: what train.py's
// check_against_adapter does with PEFT itself. Debian's python3-torch is enough.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelConfig } from '../../src/engine/model/config.ts';
import { writeSafetensors } from '../../src/engine/io/safetensors.ts';
import { METHODS } from '../../src/tuning/methods/registry.ts';
import type { MethodOptions } from '../../src/tuning/methods/method.ts';
import type { Params } from '../../src/tuning/nn/dense.ts';
import { Rng } from '../../src/tuning/random.ts';
import { startTensors } from '../../src/tuning/export/continue-in-peft.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npx tsx tools/continue-in-peft/export-encoders.ts DIR');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
const cfg = parseModelConfig(JSON.parse(readFileSync('public/models/demo/config.json', 'utf8')));
const variants: Record<string, MethodOptions> = {
  prompt: { method: 'prompt', virtualTokens: 4, init: 'random', initText: '' },
  prefix_plain: { method: 'prefix', virtualTokens: 3, projection: false, encoderHidden: 24 },
  prefix_projection: { method: 'prefix', virtualTokens: 3, projection: true, encoderHidden: 24 },
  ptuning_mlp: { method: 'ptuning', virtualTokens: 5, encoder: 'MLP', encoderHidden: 32 },
  ptuning_lstm: { method: 'ptuning', virtualTokens: 5, encoder: 'LSTM', encoderHidden: 16 },
};
type Method = { init(ctx: object, o: MethodOptions): Params; exportTable(p: Params, o: MethodOptions, c: typeof cfg): Params[string] };
for (const [name, options] of Object.entries(variants)) {
  const rng = new Rng(11);
  const embed = { shape: [cfg.vocabSize, cfg.hidden], data: Float32Array.from({ length: cfg.vocabSize * cfg.hidden }, () => rng.normal()) };
  const method = METHODS[options.method] as unknown as Method;
  const params = method.init({ cfg, embed, rng }, options);
  const table = method.exportTable(params, options, cfg);
  writeFileSync(join(dir, `${name}.start.safetensors`), writeSafetensors(startTensors(params)));
  writeFileSync(join(dir, `${name}.adapter.safetensors`), writeSafetensors({ prompt_embeddings: table }));
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...options, hidden: cfg.hidden, kvDim: cfg.kvHeads * cfg.headDim, width: table.shape[1] }));
}
console.log(`wrote ${Object.keys(variants).length} variants to ${dir}`);
