// The readable-prompts panel's live state (its own small store, beside the studio's): the comparison's rows as
// they arrive, its progress, and the soft-prompt read-out. The choices live in the project (project.prompts).
import { create } from 'zustand';
import type { BaselineRow, BaselineRowId, SoftReadOut } from '../worker/protocol.ts';

export interface PromptsState {
  running: 'compare' | 'readout' | null;
  progress: { row: BaselineRowId; message: string; fraction: number } | null;
  rows: BaselineRow[];
  readOut: SoftReadOut | null;
  /** The row whose text was just copied (the button says so for a moment). */
  copied: BaselineRowId | null;
  error: string | null;
}

export const usePrompts = create<PromptsState>()(() => ({ running: null, progress: null, rows: [], readOut: null, copied: null, error: null }));

export function patchPrompts(value: Partial<PromptsState>): void {
  usePrompts.setState(value);
}
