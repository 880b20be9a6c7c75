import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The smallest end-to-end check of the GPU path in Node: a WGSL kernel on Dawn vs the same sum in TypeScript.
// It runs in a child process: on this machine Dawn in Node + SwiftShader sometimes aborts the whole process
// (futex / std::system_error, docs/decisions.md). A child killed by a signal is that platform abort and is tried
// again (up to 3 times, each attempt logged); a wrong number or a missing adapter fails at once.
const script = fileURLToPath(new URL('./dawn-kernel.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

describe('Dawn WebGPU device', () => {
  it('reports an adapter and runs a WGSL kernel that matches TypeScript', () => {
    let out: { adapter: string; maxStorageBufferBindingSize: number; maxErr: number } | null = null;
    for (let attempt = 1; attempt <= 3 && !out; attempt++) {
      const r = spawnSync(tsx, [script], { encoding: 'utf8', timeout: 60_000 });
      if (r.status === 0) out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      else if (r.signal || r.status === 134 || r.status === 139) console.warn(`Dawn aborted (attempt ${attempt}: ${r.signal ?? r.status}); trying again`);
      else throw new Error(`the Dawn kernel run failed (exit ${r.status}):\n${r.stderr}`);
    }
    expect(out, 'Dawn aborted three times in a row').not.toBeNull();
    expect(out!.adapter.length).toBeGreaterThan(0);
    expect(out!.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(out!.maxErr).toBeLessThan(1e-6);
  });
});
