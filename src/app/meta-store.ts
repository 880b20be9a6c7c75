// The meta-learning panel's live state (its own small store, beside the studio's): the saved starts the worker
// holds, the meta-training progress, and the latest start comparison. The choices themselves live in the
// project (project.meta), so a reload keeps them.
import { create } from 'zustand';
import type { InitSummary, StartCurves } from '../worker/protocol.ts';

export interface MetaState {
  inits: InitSummary[];
  running: 'meta' | 'compare' | null;
  /** Meta-objective per meta-step of the current (or last) meta-training. */
  progress: { step: number; total: number; loss: number; tasks: string[] }[];
  /** Curve points as they arrive during a comparison. */
  livePoints: { start: string; steps: number; accuracy: number }[];
  comparison: StartCurves | null;
  message: string | null;
  error: string | null;
}

export const useMeta = create<MetaState>()(() => ({
  inits: [],
  running: null,
  progress: [],
  livePoints: [],
  comparison: null,
  message: null,
  error: null,
}));

export function patchMeta(value: Partial<MetaState>): void {
  useMeta.setState(value);
}
