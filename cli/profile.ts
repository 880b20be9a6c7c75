// npm run profile -- [--json] [--steps N] [--rows R] [--tokens T] [--storage f32|f16]: GPU time per kernel of the
// GPT-2-small-shaped prompt-tuning step (random weights, 16 virtual tokens), from timestamp queries around every
// dispatch (test/browser/profile-step.ts). Dawn in Node; SwiftShader without a GPU, where the default batch is
// 1×16 (a CPU-emulated GPU takes seconds per step), 8×128 on a real GPU as in cli/bench.ts.
import { parseArgs } from 'node:util';
import { dawnGpu, releaseDawn } from './dawn.ts';
import { isSoftwareAdapter } from '../src/engine/gpu/device.ts';
import { formatProfile, profileSteps } from '../test/browser/profile-step.ts';
import { GPT2_SMALL, randomWeights } from '../test/browser/bench.ts';

const { values: a } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    steps: { type: 'string', default: '5' },
    rows: { type: 'string' },
    tokens: { type: 'string' },
    storage: { type: 'string', default: 'f32' },
  },
});
if (a.storage !== 'f32' && a.storage !== 'f16') throw new Error(`--storage must be f32 or f16, not ${a.storage}`);
const storage = a.storage;
// Dawn rounds timestamps to coarse steps by default (a timing-attack guard for the web); a profile needs them whole.
const gpu = await dawnGpu(['disable-dawn-features=timestamp_quantization']);
const software = isSoftwareAdapter(gpu.adapter.name);
const rows = Number(a.rows ?? (software ? 1 : 8));
const tokens = Number(a.tokens ?? (software ? 16 : 128));
const profile = await profileSteps(gpu, GPT2_SMALL, randomWeights(GPT2_SMALL), rows, tokens, 16, Number(a.steps), storage);
console.log(a.json ? JSON.stringify(profile, null, 2) : formatProfile(profile));
releaseDawn();
process.exit(0);
