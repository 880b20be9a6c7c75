// Results requests: evaluation (baseline vs tuned), the generation playground, nearest tokens of the prompt.
import { studio } from '../connect.ts';
import { errorText } from '../errors.ts';
import { patch, updateRun, useStudio } from '../store.ts';

/** The untuned model and the tuned prompt on the validation split (its first N under the evaluation limit). */
export async function evaluate(): Promise<void> {
  patch('results', { evaluating: true, progress: null, error: null });
  try {
    const report = await studio.evaluate(useStudio.getState().project.hyper.evalLimit);
    patch('results', { report, evaluating: false, progress: null });
    const { runId } = useStudio.getState().train;
    if (runId !== null && report.tuned !== null) updateRun(runId, { report });
  } catch (e) {
    patch('results', { evaluating: false, progress: null, error: errorText(e) });
  }
}

export async function generate(input: string, options: { maxTokens: number; temperature: number; topK: number; seed: number }): Promise<void> {
  patch('results', { generating: true, error: null });
  try {
    const out = await studio.generate(input, options);
    patch('results', { generating: false, generation: { input, ...out } });
  } catch (e) {
    patch('results', { generating: false, error: errorText(e) });
  }
}

export async function inspect(topK = 5): Promise<void> {
  patch('results', { inspecting: true, error: null });
  try {
    const nearest = await studio.inspect(topK);
    patch('results', { inspecting: false, nearest });
  } catch (e) {
    patch('results', { inspecting: false, error: errorText(e) });
  }
}
