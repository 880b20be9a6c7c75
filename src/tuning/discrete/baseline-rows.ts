// The comparison's rows in table order, with their titles: dependency-free, so the UI lists the same rows
// before they arrive (eslint.config.js lets it import this module). What each row runs is in baselines.ts,
// one entry per row kind.
export type BaselineRowId = 'template' | 'instruction' | 'kshot' | 'pez' | 'autoprompt' | 'soft' | 'soft-projected' | 'prefix';

export const BASELINE_ROWS: readonly { id: BaselineRowId; title: string }[] = [
  { id: 'template', title: 'template alone' },
  { id: 'instruction', title: 'hand-written instruction' },
  { id: 'kshot', title: 'k-shot examples' },
  { id: 'pez', title: 'PEZ (discovered)' },
  { id: 'autoprompt', title: 'AutoPrompt (discovered)' },
  { id: 'soft', title: 'soft prompt (prompt tuning)' },
  { id: 'soft-projected', title: 'soft prompt → nearest tokens' },
  { id: 'prefix', title: 'prefix (prefix tuning)' },
];
