// Readable-prompt requests: the comparison table (template, instruction, k-shot, PEZ, AutoPrompt, soft prompt
// and its projection, prefix), stopping it, the soft-prompt read-out, and copying a prompt's text.
import type { BaselineRequest, BaselineRowId } from '../../worker/protocol.ts';
import { studio } from '../connect.ts';
import { errorText } from '../errors.ts';
import { patchPrompts, usePrompts } from '../prompts-store.ts';
import { useStudio } from '../store.ts';
import { validateTable } from './data.ts';

function requestOf(): BaselineRequest {
  const { project } = useStudio.getState();
  const p = project.prompts;
  const seed = project.hyper.seed;
  const batchSize = project.hyper.batchSize;
  return {
    instruction: p.instruction,
    shots: p.shots,
    // PEZ: the paper's AdamW lr 0.1 and weight decay 0.1; AutoPrompt: the paper's candidate re-scoring.
    pez: { promptLength: p.pezLength, steps: p.pezSteps, learningRate: 0.1, weightDecay: 0.1, batchSize, scoreExamples: 32, seed },
    autoprompt: { triggerLength: p.triggerLength, iterations: p.autopromptIterations, candidates: p.candidates, batchSize, scoreExamples: 32, seed },
    trainSteps: p.trainSteps,
    seed,
  };
}

export async function compareBaselines(): Promise<void> {
  const s = useStudio.getState();
  if (s.model.state !== 'ready') return patchPrompts({ error: 'Load a model first (Model panel).' });
  patchPrompts({ running: 'compare', error: null, rows: [], progress: null });
  try {
    const summary = await validateTable();
    if (!summary?.ok) throw new Error('the data has errors: fix them in the Data panel first');
    const rows = await studio.compareBaselines(requestOf());
    patchPrompts({ running: null, rows, progress: null });
  } catch (e) {
    patchPrompts({ running: null, error: errorText(e), progress: null });
  }
}

export async function stopBaselines(): Promise<void> {
  await studio.stopBaselines();
}

export async function readOutSoftPrompt(): Promise<void> {
  patchPrompts({ running: 'readout', error: null });
  try {
    patchPrompts({ running: null, readOut: await studio.readOutSoftPrompt() });
  } catch (e) {
    patchPrompts({ running: null, error: errorText(e) });
  }
}

/** Copies `text` to the clipboard; where the page may not (no permission, not a secure context) says so. */
export async function copyPrompt(row: BaselineRowId, text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    patchPrompts({ copied: row, error: null });
    setTimeout(() => {
      if (usePrompts.getState().copied === row) patchPrompts({ copied: null });
    }, 2000);
  } catch (e) {
    patchPrompts({ error: `could not copy to the clipboard (${errorText(e)}); select the text in the table instead` });
  }
}
