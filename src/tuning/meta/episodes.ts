// Episodes for meta-learning (MAML's task distribution): pick a task, then draw from its training split a
// support set (the few examples the inner loop adapts on) and a disjoint query set (where the adapted prompt is
// judged, and whose gradient becomes the meta-gradient). Seeded, so a meta-training run is reproducible.
import type { EncodedExample } from '../data/encoded.ts';
import type { Rng } from '../random.ts';

/** One task of the meta-training collection: a prepared dataset under its own template. */
export interface MetaTask {
  name: string;
  train: EncodedExample[];
}

export interface Episode {
  task: string;
  support: EncodedExample[];
  query: EncodedExample[];
}

export interface EpisodeShape {
  supportSize: number;
  querySize: number;
}

/** Every reason a task collection cannot give episodes of this shape, as sentences that say what to change. */
export function checkTasks(tasks: readonly MetaTask[], shape: EpisodeShape): string[] {
  const problems: string[] = [];
  if (tasks.length === 0) problems.push('meta-training needs at least one task: tick some datasets');
  const need = shape.supportSize + shape.querySize;
  for (const t of tasks)
    if (t.train.length < need)
      problems.push(`task "${t.name}" has ${t.train.length} training examples; an episode needs ${need} (support ${shape.supportSize} + query ${shape.querySize}): lower the sizes or add rows`);
  return problems;
}

/** Tasks are drawn uniformly (not by size), so a large dataset does not drown the others. */
export function sampleEpisode(tasks: readonly MetaTask[], shape: EpisodeShape, rng: Rng): Episode {
  const task = tasks[rng.int(tasks.length)];
  const picked = rng.sample(task.train, shape.supportSize + shape.querySize);
  return { task: task.name, support: picked.slice(0, shape.supportSize), query: picked.slice(shape.supportSize) };
}
