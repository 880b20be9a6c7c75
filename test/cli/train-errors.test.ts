// The command line's answers to bad data and bad flags (issue 18): every data problem with its line, exit code 2,
// a sentence instead of a stack trace. These all stop before Chromium starts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function train(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/train.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run train: mistakes', () => {
  it('prints every data error with its line and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-cli-'));
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'input,output\ngood,a\nno output here\n,b\nfine,\nok,b\n');
    const r = train('--data', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('3 problems');
    expect(r.err).toContain('line 3: expected 2 columns, found 1');
    expect(r.err).toContain('line 4: empty input');
    expect(r.err).toContain('line 5: empty output');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('answers an unknown flag and impossible settings with sentences, no stack trace', () => {
    const flag = train('--data', 'public/datasets/sentiment-code.csv', '--bogus', '1');
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("Unknown option '--bogus'");
    expect(flag.err).toContain('usage:');
    expect(flag.err).not.toMatch(/\n\s+at /);
    const settings = train('--data', 'public/datasets/sentiment-code.csv', '--steps=-5', '--lr', '0');
    expect(settings.code).toBe(2);
    expect(settings.err).toContain('steps must be a whole number ≥ 1 (got -5)');
    expect(settings.err).toContain('learning rate must be in (0, 10) (got 0)');
    expect(settings.err).not.toContain('warm-up');
    expect(settings.err).not.toMatch(/\n\s+at /);
  });
});
