// The golden check inside a module Web Worker (where the studio runs its engine): WebGPU from the worker's
// own navigator.gpu, the same engine code. Driven by gpu-harness.ts through Comlink.
import * as Comlink from 'comlink';
import { runCase } from './run-case.ts';

Comlink.expose({ runCase });
