// One engine, one job at a time: a training run, meta-training (or its start comparison) and the
// readable-prompts comparison all hold the worker's GPU. Every panel that starts one asks here what is running,
// so none offers to start a second job the worker would refuse.
import { useBrittle, useCurve, useCv } from './cv-store.ts';
import { useMeta } from './meta-store.ts';
import { usePrompts } from './prompts-store.ts';
import { useStudio } from './store.ts';

export type EngineJob = 'training' | 'meta-learning' | 'prompt comparison' | 'cross-validation' | 'learning curve' | 'brittleness' | null;

export function useEngineJob(): EngineJob {
  const training = useStudio((s) => s.train.phase === 'training' || s.train.phase === 'paused' || s.train.phase === 'evaluating');
  const meta = useMeta((s) => s.running !== null);
  const prompts = usePrompts((s) => s.running !== null);
  const cv = useCv((s) => s.running);
  const curve = useCurve((s) => s.running);
  const brittle = useBrittle((s) => s.running);
  return training ? 'training' : meta ? 'meta-learning' : prompts ? 'prompt comparison' : cv ? 'cross-validation' : curve ? 'learning curve' : brittle ? 'brittleness' : null;
}
