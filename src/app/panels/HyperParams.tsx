// The run's hyper-parameters (TrainConfig minus the method), with the problems that would stop a run.
import { NumberField } from '../components/NumberField.tsx';
import type { HyperParams as Hyper } from '../defaults.ts';
import { updateProject, useStudio } from '../store.ts';

type NumericKey = Exclude<keyof Hyper, 'schedule'>;

interface FieldSpec {
  key: NumericKey;
  label: string;
  integer?: boolean;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  title: string;
  /** Folded behind "Advanced": the defaults (and where they come from, in the title) rarely need changing. */
  advanced?: boolean;
  warn?(value: number, trainRows: number | null): string | null;
}

// The bounds are checkTrainConfig's (src/tuning/train-config.ts): the worker refuses anything outside them.
const FIELDS: FieldSpec[] = [
  {
    key: 'learningRate', label: 'learning rate', min: 0, max: 10, exclusiveMin: true, exclusiveMax: true, title: 'AdamW learning rate (peak, after warm-up)',
    warn: (v) => (v > 1 ? 'unusually high: prompt tuning uses 1e-3 to 0.3; the loss may diverge' : v < 1e-5 ? 'unusually low: the prompt will barely move' : null),
  },
  {
    key: 'steps', label: 'steps', integer: true, min: 1, title: 'optimiser steps',
    warn: (v) => (v > 10_000 ? `${v.toLocaleString()} steps is a very long run here (the demo model does ~1 step/s); a few hundred usually suffice` : null),
  },
  {
    key: 'batchSize', label: 'batch size', integer: true, min: 1, title: 'examples per step',
    warn: (v, n) => (n !== null && n > 0 && v > n ? `larger than the training split (${n} rows): each step uses all ${n}` : v > 256 ? 'a very large batch: each step will be slow' : null),
  },
  { key: 'warmupSteps', label: 'warm-up steps', integer: true, min: 0, advanced: true, title: 'linear warm-up from 0 (default 10)' },
  { key: 'evalEvery', label: 'evaluate every', integer: true, min: 0, title: 'steps between validation passes; 0 = only at the end' },
  { key: 'earlyStopPatience', label: 'early-stop patience', integer: true, min: 0, advanced: true, title: 'evaluations without improvement; 0 = off (default)' },
  { key: 'weightDecay', label: 'weight decay', min: 0, advanced: true, title: 'AdamW decoupled weight decay (default 0, as the HF Trainer)' },
  { key: 'clipNorm', label: 'gradient clip', min: 0, advanced: true, title: 'global gradient-norm clip; 0 = off (default 1.0, as the HF Trainer)' },
  { key: 'beta1', label: 'β1', min: 0, max: 0.9999, advanced: true, title: 'AdamW β1 (default 0.9, as PyTorch and the HF Trainer)' },
  { key: 'beta2', label: 'β2', min: 0, max: 0.99999, advanced: true, title: 'AdamW β2 (default 0.999, as PyTorch and the HF Trainer)' },
  { key: 'seed', label: 'seed', integer: true, min: 0, advanced: true, title: 'initialisation and batch order (default 42)' },
  { key: 'promptDropout', label: 'virtual-token dropout', min: 0, max: 0.9, advanced: true, title: 'dropout on the virtual tokens while training; 0 = off (default: PEFT trains prompts without it)' },
  { key: 'evalLimit', label: 'evaluation limit', integer: true, min: 0, advanced: true, title: 'score only the first N validation examples, for a quick look on a large model (every figure says how many); 0 = all' },
];

/** Hints the form can give at once; the worker validates the config with checkTrainConfig and has the last word. */
function problems(h: Hyper): string[] {
  const p: string[] = [];
  if (h.warmupSteps > h.steps) p.push(`warm-up (${h.warmupSteps}) is longer than the run (${h.steps} steps)`);
  if (h.evalEvery > h.steps) p.push(`evaluate-every (${h.evalEvery}) exceeds the steps (${h.steps}): only the final evaluation runs`);
  return p;
}

export function HyperParams() {
  const hyper = useStudio((s) => s.project.hyper);
  const set = (value: Partial<Hyper>) => updateProject((p) => ({ hyper: { ...p.hyper, ...value } }));
  const trainRows = useStudio((s) => (s.data.summary?.ok ? s.data.summary.train : null));
  const issues = problems(hyper);
  const field = (f: FieldSpec) => (
    <NumberField
      key={f.key}
      label={f.label}
      title={f.title}
      testId={`hyper.${f.key}`}
      value={hyper[f.key]}
      integer={f.integer}
      min={f.min}
      max={f.max}
      exclusiveMin={f.exclusiveMin}
      exclusiveMax={f.exclusiveMax}
      warn={f.warn ? (v) => f.warn!(v, trainRows) : undefined}
      step={f.integer ? 1 : 'any'}
      onChange={(v) => set({ [f.key]: v })}
    />
  );
  return (
    <div className="hyper">
      <div className="grid-fields">{FIELDS.filter((f) => !f.advanced).map(field)}</div>
      <details data-testid="hyper.advanced">
        <summary>Advanced</summary>
        <div className="grid-fields">
          {FIELDS.filter((f) => f.advanced).map(field)}
          <label className="field" title="learning-rate schedule after warm-up (default cosine)">
            <span>schedule</span>
            <select data-testid="hyper.schedule" value={hyper.schedule} onChange={(e) => set({ schedule: e.target.value as Hyper['schedule'] })}>
              <option value="cosine">cosine</option>
              <option value="linear">linear</option>
              <option value="constant">constant</option>
            </select>
          </label>
        </div>
      </details>
      {issues.length > 0 && (
        <ul className="warn" data-testid="hyper.problems">
          {issues.map((t) => (
            <li key={t}>{t}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
