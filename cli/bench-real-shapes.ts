// npm run bench -- --real-shapes [--json] [--only id,id]: each true-size checkpoint (tools/real-shapes, written
// first when missing) served by the local Hub, loaded in a headless Chromium page as the studio loads it: load
// seconds, the page's peak JS heap while loading (V8 heap + ArrayBuffer backing stores, sampled through CDP every
// 25 ms) against the largest file + 256 MiB, GPU bytes allocated for the weights against memory.ts's estimate, one
// training step (1 × 32 tokens, 16 virtual tokens) and one generated token.
import type { RealShapeRequest, RealShapeResult } from '../test/browser/bench-real-shapes.ts';
import { KNOWN_CHECKPOINTS } from '../src/engine/io/known-checkpoints.ts';
import { generateCheckpoint } from '../tools/real-shapes/generate.ts';
import { startLocalHub } from '../tools/real-shapes/local-hub.ts';
import { openHarness } from './chromium.ts';

export interface RealShapeRow extends RealShapeResult {
  peakHeapBytes: number;
  heapBudgetBytes: number; // largest file + 256 MiB
  withinBudget: boolean;
}

export async function benchRealShapes(only?: string[], log: (s: string) => void = (s) => console.error(s)): Promise<RealShapeRow[]> {
  const chosen = KNOWN_CHECKPOINTS.filter((k) => !only || only.includes(k.id));
  for (const k of chosen) generateCheckpoint(k, undefined, log);
  const hub = await startLocalHub();
  const session = await openHarness();
  const rows: RealShapeRow[] = [];
  try {
    const cdp = await session.page.context().newCDPSession(session.page);
    for (const k of chosen) {
      await cdp.send('HeapProfiler.collectGarbage');
      let peak = 0;
      let sampling = true;
      const sample = async () => {
        while (sampling) {
          const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
          peak = Math.max(peak, u.usedSize + (u.backingStorageSize ?? 0));
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      const sampler = sample();
      log(`real-shapes: ${k.id}…`);
      const req: RealShapeRequest = { id: k.id, endpoint: hub.url, tokens: 32, virtual: 16 };
      let r: RealShapeResult;
      try {
        r = await session.page.evaluate((q) => (window.engineHarness as unknown as { realShape(q: RealShapeRequest): Promise<RealShapeResult> }).realShape(q), req);
      } finally {
        sampling = false;
        await sampler;
      }
      const budget = Math.max(...r.fileBytes) + 256 * 2 ** 20;
      const row = { ...r, peakHeapBytes: peak, heapBudgetBytes: budget, withinBudget: peak <= budget };
      log(`  ${JSON.stringify(row)}`);
      rows.push(row);
    }
  } finally {
    await session.close();
    await hub.close();
  }
  return rows;
}

const MiB = (n: number) => (n / 2 ** 20).toFixed(0);

export function realShapesTable(rows: RealShapeRow[]): string {
  const head = '| checkpoint | largest file | load | peak JS heap (budget) | GPU weights (estimate) | estimate total | step 1×(16+32) | 1 token |\n| --- | --- | --- | --- | --- | --- | --- | --- |';
  const body = rows.map(
    (r) =>
      `| ${r.id} | ${MiB(Math.max(...r.fileBytes))} MiB${r.fileBytes.length > 1 ? ` (${r.fileBytes.length} shards)` : ''} | ${r.loadSeconds.toFixed(1)} s | ` +
      `${MiB(r.peakHeapBytes)} MiB (${MiB(r.heapBudgetBytes)})${r.withinBudget ? '' : ' OVER'} | ${MiB(r.gpuWeightBytes)} MiB ${r.weightStorage} (${MiB(r.estimateWeightBytes)}) | ` +
      `${MiB(r.estimateTotalBytes)} MiB | ${r.stepSeconds.toFixed(1)} s | ${r.generateSeconds.toFixed(1)} s |`,
  );
  return [head, ...body].join('\n');
}
