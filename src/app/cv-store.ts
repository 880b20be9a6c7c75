// Cross-validation's live state (its own small store, beside the studio's): runs as they finish, progress, the
// summary when it ends (or is stopped). The choices (folds, seeds) live in the project (project.cv).
import { create } from 'zustand';
import type { BrittlenessResult, CurveRun, CvResult, CvRun, LearningCurveResult } from '../worker/protocol.ts';

export interface CvState {
  running: boolean;
  progress: { message: string; fraction: number } | null;
  runs: CvRun[];
  total: number;
  result: CvResult | null;
  error: string | null;
}

export const useCv = create<CvState>()(() => ({ running: false, progress: null, runs: [], total: 0, result: null, error: null }));

export function patchCv(value: Partial<CvState>): void {
  useCv.setState(value);
}

/** The learning curve's live state (Results panel), beside cross-validation's. */
export interface CurveState {
  running: boolean;
  progress: { message: string; fraction: number } | null;
  runs: CurveRun[];
  total: number;
  result: LearningCurveResult | null;
  error: string | null;
}

export const useCurve = create<CurveState>()(() => ({ running: false, progress: null, runs: [], total: 0, result: null, error: null }));

export function patchCurve(value: Partial<CurveState>): void {
  useCurve.setState(value);
}

/** Brittleness's live state (Results panel). */
export interface BrittleState {
  running: boolean;
  progress: { message: string; fraction: number } | null;
  result: BrittlenessResult | null;
  error: string | null;
}

export const useBrittle = create<BrittleState>()(() => ({ running: false, progress: null, result: null, error: null }));

export function patchBrittle(value: Partial<BrittleState>): void {
  useBrittle.setState(value);
}
