// The comparison's rows in table order, with their titles (the worker's rows carry the same ids and titles;
// the UI lists them before they arrive so the table shows what is still to come).
import type { BaselineRowId } from '../../worker/protocol.ts';

export const BASELINE_ROWS_UI: readonly { id: BaselineRowId; title: string }[] = [
  { id: 'template', title: 'template alone' },
  { id: 'instruction', title: 'hand-written instruction' },
  { id: 'kshot', title: 'k-shot examples' },
  { id: 'pez', title: 'PEZ (discovered)' },
  { id: 'autoprompt', title: 'AutoPrompt (discovered)' },
  { id: 'soft', title: 'soft prompt (prompt tuning)' },
  { id: 'soft-projected', title: 'soft prompt → nearest tokens' },
  { id: 'prefix', title: 'prefix (prefix tuning)' },
];
