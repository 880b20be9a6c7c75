// npx tsx cli/bench-matmul.ts [M N K] [--reps R] [--chromium]: GFLOP/s of the register-blocked matmul (Y = X·Wᵀ) next
// to the naive one-output-per-invocation kernel, same shapes, same run. Dawn in Node by default (SwiftShader without a
// GPU); --chromium runs it in a headless Chromium page.
// Design target on SwiftShader: ≥ 8× the naive kernel.
import { parseArgs } from 'node:util';
import { kernelRunner } from '../test/engine/kernels/runner.ts';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { reps: { type: 'string', default: '3' }, chromium: { type: 'boolean', default: false } },
});
const [M, N, K] = positionals.length === 3 ? positionals.map(Number) : [512, 768, 768];
if (![M, N, K].every((n) => Number.isInteger(n) && n > 0) || K % 4 !== 0) throw new Error(`bad shape ${M}×${N}×${K} (K must be divisible by 4)`);
if (a.chromium) process.env.KERNEL_GPU = 'chromium';

const gpu = await kernelRunner();
try {
  const r = await gpu.benchMatmul(M, N, K, Number(a.reps));
  console.log(`adapter: ${gpu.adapter}`);
  console.log(`matmul ${r.shape} (M×N×K): blocked ${r.tiledGflops.toFixed(2)} GFLOP/s, naive ${r.naiveGflops.toFixed(2)} GFLOP/s, ${r.speedup.toFixed(1)}×`);
} finally {
  await gpu.close();
}
process.exit(0);
