import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCheckpoint } from '../../tools/real-shapes/generate.ts';
import { KNOWN_CHECKPOINTS } from '../../src/engine/io/known-checkpoints.ts';
import { KV_CACHE_FILE, keyName, SNIPPET_FILE } from '../../src/tuning/export/kv-cache.ts';
import { readPromptCache } from '../../src/tuning/export/use-with-transformers-js.mjs';

// The command line at real size: a checkpoint of SmolLM2-135M's exact shape (30 layers, vocabulary 49,152, BF16,
// 269 MB, seeded random weights), written here, loaded from its folder by URL (never as one string), one step
// trained, and an evaluation limited to 2 of the 80 validation rows, reported as such, with progress lines.
const dir = mkdtempSync(join(tmpdir(), 'real-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run train on a 135M-parameter checkpoint', () => {
  it('loads it, trains one step, and evaluates 2 of 80 validation rows', () => {
    const smol = KNOWN_CHECKPOINTS.find((k) => k.id === 'HuggingFaceTB/SmolLM2-135M')!;
    const model = generateCheckpoint(smol, dir, () => {});
    expect(statSync(join(model, 'model.safetensors')).size).toBeGreaterThan(200e6);
    const out = join(dir, 'out');
    const r = spawnSync(
      'npx',
      ['tsx', 'cli/train.ts', '--model', model, '--data', 'public/datasets/sentiment-code.csv', '--steps', '1', '--batch', '1', '--virtual-tokens', '4', '--eval-every', '0', '--eval-limit', '2', '--json', '--out', out],
      { encoding: 'utf8', timeout: 900_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.at(-1) as { steps: number; final_loss: number; baseline: Record<string, number>; tuned: Record<string, number> };
    expect(summary.steps).toBe(1);
    expect(Number.isFinite(summary.final_loss)).toBe(true);
    expect([summary.baseline.examples, summary.baseline.of, summary.tuned.examples, summary.tuned.of]).toEqual([2, 80, 2, 80]);
    const progress = lines.filter((l) => 'evaluating' in l);
    expect(progress.some((l) => l.evaluating === 'untuned' && l.done === 2 && l.total === 2)).toBe(true);
    expect(progress.some((l) => l.evaluating === 'tuned' && l.done === 2 && l.total === 2)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8')).token_dim).toBe(576);
    // The prompt as a key/value cache for SmolLM2-135M's shape (30 layers, 3 KV heads of 64), and the snippet.
    const shape = { num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, hidden_size: 576 };
    const cache = readPromptCache(readFileSync(join(out, KV_CACHE_FILE)), shape);
    expect(cache.positions).toBe(4);
    expect(cache.tensors[keyName(29)].data).toHaveLength(3 * 4 * 64);
    expect(readFileSync(join(out, SNIPPET_FILE), 'utf8')).toContain('export async function generateWithPrompt');
  }, 900_000);
});
