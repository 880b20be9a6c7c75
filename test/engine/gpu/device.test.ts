import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The smallest end-to-end check of the GPU path in Node: a WGSL kernel on Dawn vs the same sum in TypeScript, in a
// child process that must exit by itself, so a Dawn instance kept alive after its work (or freed while still in
// use: the old crash, cli/dawn.ts) fails here.
const script = fileURLToPath(new URL('./dawn-kernel.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

describe('Dawn WebGPU device', () => {
  it('reports an adapter and runs a WGSL kernel that matches TypeScript', () => {
    const r = spawnSync(tsx, [script], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`the Dawn kernel run failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { adapter: string; maxStorageBufferBindingSize: number; maxErr: number };
    expect(out.adapter.length).toBeGreaterThan(0);
    expect(out.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(out.maxErr).toBeLessThan(1e-6);
  });
});
