// "Try it in transformers.js": its own small store (the studio's does not need it): the comparison of the two
// runtimes' greedy replies, progress while onnxruntime-web loads, and an error that leaves the studio as it was.
import { create } from 'zustand';
import type { TransformersJsComparison } from '../worker/protocol.ts';

export interface TransformersJsState {
  running: boolean;
  progress: string | null;
  result: TransformersJsComparison | null;
  error: string | null;
}

export const useTransformersJs = create<TransformersJsState>()(() => ({ running: false, progress: null, result: null, error: null }));

export function patchTransformersJs(value: Partial<TransformersJsState>): void {
  useTransformersJs.setState(value);
}
