import { describe, expect, it } from 'vitest';
import { checkTasks, sampleEpisode, type MetaTask } from '../../../src/tuning/meta/episodes.ts';
import type { EncodedExample } from '../../../src/tuning/data/encoded.ts';
import { Rng } from '../../../src/tuning/random.ts';

const task = (name: string, n: number): MetaTask => ({
  name,
  train: Array.from({ length: n }, (_, i): EncodedExample => ({ input: `${name}-${i}`, output: 'x', prompt: [i], target: [1] })),
});

describe('episode sampler', () => {
  const tasks = [task('a', 20), task('b', 12), task('c', 40)];
  const shape = { supportSize: 4, querySize: 6 };

  it('draws a support and a disjoint query set of the asked sizes from one task', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 50; i++) {
      const e = sampleEpisode(tasks, shape, rng);
      expect(e.support).toHaveLength(4);
      expect(e.query).toHaveLength(6);
      const names = [...e.support, ...e.query].map((x) => x.input);
      expect(new Set(names).size).toBe(10);
      expect(names.every((n) => n.startsWith(`${e.task}-`))).toBe(true);
    }
  });

  it('is reproducible from its seed and differs across seeds', () => {
    const run = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 10 }, () => sampleEpisode(tasks, shape, rng)).map((e) => e.task + e.support.map((x) => x.input).join());
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('draws tasks uniformly, not by size', () => {
    const rng = new Rng(7);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) counts[sampleEpisode(tasks, shape, rng).task]++;
    for (const n of Object.values(counts)) expect(Math.abs(n - 1000)).toBeLessThan(100);
  });

  it('says which task is too small for the episode shape', () => {
    expect(checkTasks(tasks, shape)).toEqual([]);
    const problems = checkTasks([...tasks, task('tiny', 7)], shape);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/task "tiny" has 7 training examples; an episode needs 10/);
    expect(checkTasks([], shape)[0]).toMatch(/at least one task/);
  });
});
