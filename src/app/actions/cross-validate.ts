// Cross-validation and learning-curve requests: K folds × N seeds with the current method and hyper-parameters, each trained from
// scratch in the worker (tuning/cross-validate.ts); stopping keeps the runs that finished.
import { studio } from '../connect.ts';
import { patchBrittle, patchCurve, patchCv } from '../cv-store.ts';
import { errorText } from '../errors.ts';
import { DEFAULT_CURVE, DEFAULT_CV, trainConfigOf } from '../project.ts';
import { useStudio } from '../store.ts';
import { validateTable } from './data.ts';

export async function crossValidate(): Promise<void> {
  const s = useStudio.getState();
  if (s.model.state !== 'ready') return patchCv({ error: 'Load a model first (Model panel).' });
  const { folds, seeds } = s.project.cv ?? DEFAULT_CV;
  patchCv({ running: true, error: null, runs: [], result: null, progress: null, total: folds * seeds });
  try {
    const summary = await validateTable();
    if (!summary?.ok) throw new Error('the data has errors: fix them in the Data panel first');
    // Runs never evaluate on the held-out fold while training: no periodic evaluation, no early stop.
    const config = { ...trainConfigOf(s.project), evalEvery: 0, earlyStopPatience: 0, startFrom: null };
    const result = await studio.crossValidate({ config, folds, seeds, instruction: s.project.prompts.instruction });
    patchCv({ running: false, result, runs: result.runs, progress: null });
  } catch (e) {
    patchCv({ running: false, error: errorText(e), progress: null });
  }
}

export async function stopCrossValidation(): Promise<void> {
  await studio.stopCrossValidation();
}

/** A learning curve on the current split: nested training subsets of the sizes asked, N seeds each. */
export async function learningCurve(): Promise<void> {
  const s = useStudio.getState();
  if (s.model.state !== 'ready') return patchCurve({ error: 'Load a model first (Model panel).' });
  const { sizes, seeds } = s.project.curve ?? DEFAULT_CURVE;
  const list = sizes.split(',').map((x) => Number(x.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) return patchCurve({ error: `sizes must be whole numbers ≥ 1 separated by commas (got "${sizes}")` });
  patchCurve({ running: true, error: null, runs: [], result: null, progress: null, total: list.length * seeds });
  try {
    const summary = await validateTable();
    if (!summary?.ok) throw new Error('the data has errors: fix them in the Data panel first');
    const config = { ...trainConfigOf(s.project), evalEvery: 0, earlyStopPatience: 0, startFrom: null };
    const result = await studio.learningCurve({ config, sizes: list, seeds });
    patchCurve({ running: false, result, runs: result.runs, progress: null });
  } catch (e) {
    patchCurve({ running: false, error: errorText(e), progress: null });
  }
}

/** Brittleness: the untuned model, the hand-written instruction and the tuned prompt under template variants. */
export async function measureBrittleness(): Promise<void> {
  const s = useStudio.getState();
  if (s.model.state !== 'ready') return patchBrittle({ error: 'Load a model first (Model panel).' });
  patchBrittle({ running: true, error: null, result: null, progress: null });
  try {
    const summary = await validateTable();
    if (!summary?.ok) throw new Error('the data has errors: fix them in the Data panel first');
    const result = await studio.brittleness({ variants: s.project.variants ?? '', instruction: s.project.prompts.instruction });
    patchBrittle({ running: false, result, progress: null });
  } catch (e) {
    patchBrittle({ running: false, error: errorText(e), progress: null });
  }
}
