// Cross-validation requests: K folds × N seeds with the current method and hyper-parameters, each trained from
// scratch in the worker (tuning/cross-validate.ts); stopping keeps the runs that finished.
import { studio } from '../connect.ts';
import { patchCv } from '../cv-store.ts';
import { errorText } from '../errors.ts';
import { DEFAULT_CV, trainConfigOf } from '../project.ts';
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
