// npm run golden -- <dir>: every golden case under <dir> through the WebGPU engine (Dawn in Node), one line per
// case with its loss, logits and gradient errors, then `golden: N passed, M failed`; exit 1 on any failure.
import { dawnGpu } from './dawn.ts';
import { compareGolden, defaultGoldenDir, listGoldenCases, loadGoldenCase, withinTolerance } from './golden-case.ts';
import { GpuCausalLM } from '../src/engine/model/gpu-lm.ts';

const dir = process.argv[2] ?? defaultGoldenDir();
const gpu = await dawnGpu();
console.log(`adapter: ${gpu.adapter.name}`);
let passed = 0;
let failed = 0;
for (const caseDir of listGoldenCases(dir)) {
  const c = await loadGoldenCase(caseDir);
  const lm = await GpuCausalLM.create(gpu, c.cfg, c.weights, { rows: c.batch.rows, tokens: 64, virtualTokens: 16 });
  try {
    const out = await lm.forwardFull(c.batch, c.extras);
    const e = compareGolden(c, { loss: out.loss, logits: out.logits, grad: out.grad ?? [] });
    const ok = withinTolerance(e);
    if (ok) passed++;
    else failed++;
    console.log(
      `${ok ? 'PASS' : 'FAIL'} ${c.name.padEnd(20)} loss ${out.loss.toFixed(7)} (rel err ${e.lossRel.toExponential(2)})  ` +
        `logits max abs err ${e.logitsAbs.toExponential(2)}  grad err ${e.gradRel.toExponential(2)} × max|grad|`,
    );
  } catch (err) {
    failed++;
    console.log(`FAIL ${c.name.padEnd(20)} ${(err as Error).message}`);
  } finally {
    lm.dispose();
  }
}
console.log(`golden: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
