// Learning to learn prompts: meta-train a start over other tasks (FO-MAML, Reptile, Meta-SGD, or multitask
// prompt tuning), keep it as a named start, begin runs from it, and compare it with the ordinary starts on the
// table's task (accuracy after 0, 5, 10, 20, 50 steps).
import { compareStarts, downloadInit, forgetInit, metaTrain, stopMeta, uploadInit } from '../actions/meta.ts';
import { StartCurvesChart, type StartCurve } from '../charts/StartCurvesChart.tsx';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { NumberField } from '../components/NumberField.tsx';
import { Panel } from '../components/Panel.tsx';
import { useMeta } from '../meta-store.ts';
import type { MetaSetup } from '../project.ts';
import { updateProject, useStudio } from '../store.ts';
import { useEngineJob } from '../engine-busy.ts';

const ALGORITHMS: { value: MetaSetup['algorithm']; label: string; title: string }[] = [
  { value: 'fomaml', label: 'FO-MAML', title: 'first-order MAML over the prompt (MetaPrompting): the query gradient after k inner steps moves the start' },
  { value: 'reptile', label: 'Reptile', title: 'moves the start a fraction of the way toward each adapted prompt' },
  { value: 'metasgd', label: 'Meta-SGD', title: 'FO-MAML with a learned step size per parameter (SGD inner loop)' },
  { value: 'multitask', label: 'Multitask (MPT)', title: 'one shared prompt trained over all ticked tasks at once (PEFT MULTITASK_PROMPT_TUNING); the start is the average task prompt' },
];

function liveCurves(points: { start: string; steps: number; accuracy: number }[]): StartCurve[] {
  const byStart = new Map<string, StartCurve>();
  for (const p of points) {
    const c = byStart.get(p.start) ?? { start: p.start, points: [] };
    c.points.push({ steps: p.steps, accuracy: p.accuracy });
    byStart.set(p.start, c);
  }
  return [...byStart.values()];
}

export function MetaPanel() {
  const meta = useStudio((s) => s.project.meta);
  const datasetId = useStudio((s) => s.project.datasetId);
  const choices = useStudio((s) => s.data.choices);
  const modelReady = useStudio((s) => s.model.state === 'ready');
  const engineJob = useEngineJob();
  const state = useMeta();
  const set = (value: Partial<MetaSetup>) => updateProject((p) => ({ meta: { ...p.meta, ...value } }));
  const busy = engineJob !== null || !modelReady;
  const last = state.progress.at(-1);
  const curves = state.comparison ? state.comparison.curves : liveCurves(state.livePoints);
  const candidates = (choices ?? []).filter((c) => c.id !== datasetId);

  return (
    <Panel title="Meta-learned start" id="meta">
      <p className="hint">
        A prompt’s starting point matters most with few examples. Meta-train one over other tasks; the table’s own task stays held out, and
        the comparison below shows how fast each start adapts to it.
      </p>
      <fieldset className="meta-tasks" data-testid="meta.tasks" disabled={busy}>
        <legend>Tasks to meta-train on</legend>
        {candidates.length === 0 && <p className="hint">No other sample datasets are available.</p>}
        {candidates.map((c) => (
          <label key={c.id} className="field check">
            <input
              type="checkbox"
              data-testid={`meta.task-${c.id}`}
              checked={meta.tasks.includes(c.id)}
              onChange={(e) => set({ tasks: e.target.checked ? [...meta.tasks, c.id] : meta.tasks.filter((t) => t !== c.id) })}
            />
            <span>{c.title}</span>
          </label>
        ))}
      </fieldset>
      <div className="grid-fields">
        <label className="field">
          <span>algorithm</span>
          <select data-testid="meta.algorithm" value={meta.algorithm} disabled={busy} onChange={(e) => set({ algorithm: e.target.value as MetaSetup['algorithm'] })}>
            {ALGORITHMS.map((a) => (
              <option key={a.value} value={a.value} title={a.title}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <NumberField label="meta-steps" testId="meta.steps" value={meta.steps} integer min={1} onChange={(v) => set({ steps: v })} title="outer updates (multitask: optimiser steps)" />
        <NumberField label="inner steps" testId="meta.inner-steps" value={meta.innerSteps} integer min={1} onChange={(v) => set({ innerSteps: v })} title="adaptation steps per episode (k)" />
        <NumberField label="compare up to (steps)" testId="meta.compare-up-to" value={meta.compareUpTo} integer min={1} onChange={(v) => set({ compareUpTo: v })} title="the comparison evaluates every start at 0, 5, 10, 20 and 50 steps, up to this many" />
        <NumberField label="episodes per step" testId="meta.batch" value={meta.metaBatch} integer min={1} onChange={(v) => set({ metaBatch: v })} title="episodes averaged per outer update" />
      </div>
      <div className="train-controls">
        <button type="button" data-testid="meta.train" disabled={busy || meta.tasks.length === 0} onClick={() => void metaTrain()}>
          Meta-train a start
        </button>
        <button type="button" data-testid="meta.stop" disabled={state.running !== 'meta'} onClick={() => void stopMeta()}>
          Stop
        </button>
      </div>
      {state.running === 'meta' && (
        <p className="progress-line" data-testid="meta.progress" data-step={last?.step ?? 0}>
          {last ? `meta-step ${last.step} / ${last.total} · loss after adaptation ${last.loss.toFixed(4)} (${last.tasks.join(', ')})` : 'Preparing the tasks…'}
        </p>
      )}

      <h3>Saved starts</h3>
      {state.inits.length === 0 && <p className="hint">None yet: meta-train one, or load a file.</p>}
      <ul className="init-list" data-testid="meta.inits">
        {state.inits.map((i) => (
          <li key={i.name} data-testid="meta.init">
            <label className="field check">
              <input type="radio" name="start-from" data-testid="meta.use" checked={meta.startFrom === i.name} onChange={() => set({ startFrom: i.name })} />
              <span>
                {i.name} — {i.outerSteps} steps{i.heldOut ? `, ${i.heldOut} held out` : ''}
              </span>
            </label>
            <button type="button" data-testid="meta.compare" disabled={busy} onClick={() => void compareStarts(i.name)}>
              Compare on this task
            </button>
            <button type="button" data-testid="meta.download" disabled={state.running !== null} onClick={() => void downloadInit(i.name)}>
              Download
            </button>
            <button type="button" className="icon" aria-label={`forget ${i.name}`} disabled={state.running !== null} onClick={() => void forgetInit(i.name)}>
              ✕
            </button>
          </li>
        ))}
        <li>
          <label className="field check">
            <input type="radio" name="start-from" data-testid="meta.use-own" checked={meta.startFrom === null} onChange={() => set({ startFrom: null })} />
            <span>the method’s own initialisation</span>
          </label>
        </li>
      </ul>
      <label className="field">
        <span>Load an initialisation file (npm run meta-train writes one)</span>
        <input
          type="file"
          data-testid="meta.upload"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void uploadInit(file);
          }}
        />
      </label>

      {(state.running === 'compare' || state.comparison) && (
        <>
          <h3>Accuracy after k steps on this task</h3>
          {state.running === 'compare' && <p className="progress-line">Training from each start and evaluating it along the way…</p>}
          <StartCurvesChart curves={curves} />
          {state.comparison?.verdict && (
            <p className="ok-line" data-testid="meta.verdict">
              {state.comparison.verdict}
            </p>
          )}
        </>
      )}
      {state.message && <p className="hint" data-testid="meta.message">{state.message}</p>}
      <ErrorLine error={state.error} testId="meta.error" />
    </Panel>
  );
}
