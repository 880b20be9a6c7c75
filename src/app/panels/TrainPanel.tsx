// Train: start / pause / resume / stop (enabled by the run's phase), the live chart, and how fast it goes.
import { pauseTraining, resumeTraining, startTraining, stopTraining, trainBlockers } from '../actions/train.ts';
import { LossChart } from '../charts/LossChart.tsx';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { Panel } from '../components/Panel.tsx';
import { fixed, formatDuration } from '../format.ts';
import { useStudio } from '../store.ts';
import { RunList } from './RunList.tsx';
import { useEngineJob } from '../engine-busy.ts';

export function TrainPanel() {
  const train = useStudio((s) => s.train);
  const runs = useStudio((s) => s.runs);
  const modelReady = useStudio((s) => s.model.state === 'ready');
  const current = runs.find((r) => r.id === train.runId) ?? runs[runs.length - 1] ?? null;
  const overlays = runs.filter((r) => r.overlay && r.id !== current?.id);
  // The untuned model's score, once an evaluation has measured it on this run's data: a dashed line on the chart.
  const report = useStudio((s) => s.results.report);
  const sameData = (r: (typeof runs)[number]) => current !== null && r.datasetId === current.datasetId && r.template === current.template && r.rows === current.rows;
  const baseline = report?.baseline ?? [...runs].reverse().find((r) => r.report && sameData(r))?.report?.baseline ?? null;
  const { phase, last } = train;
  const running = phase === 'training' || phase === 'evaluating';
  const active = running || phase === 'paused';
  const engineJob = useEngineJob(); // meta-learning or a prompt comparison holds the engine too
  const otherJob = engineJob !== null && engineJob !== 'training' ? engineJob : null;
  const fieldProblems = useStudio((s) => s.fieldProblems);
  const blockers = modelReady ? Object.values(fieldProblems) : trainBlockers();
  const total = current?.config.steps ?? 0;
  const step = active ? (last?.step ?? 0) : (current?.steps.at(-1)?.step ?? last?.step ?? 0);
  return (
    <Panel title="Train" id="train">
      <div className="train-controls">
        <button
          type="button"
          className="primary"
          data-testid="train.start"
          disabled={active || train.starting || otherJob !== null || blockers.length > 0}
          title={otherJob ? `wait for the ${otherJob} to finish` : blockers.length > 0 ? blockers.join('; ') : undefined}
          onClick={() => void startTraining()}
        >
          ▶ Train
        </button>
        <button type="button" data-testid="train.pause" disabled={phase !== 'training'} onClick={() => void pauseTraining()}>
          ❚❚ Pause
        </button>
        <button type="button" data-testid="train.resume" disabled={phase !== 'paused'} onClick={() => void resumeTraining()}>
          ▶ Resume
        </button>
        <button type="button" data-testid="train.stop" disabled={!active} onClick={() => void stopTraining()}>
          ■ Stop
        </button>
        <span className={`phase phase-${phase}`} data-testid="train.phase" data-phase={phase}>
          {phase}
        </span>
      </div>
      {!active && modelReady && blockers.length > 0 && (
        <div className="warn" role="status" data-testid="train.blocked">
          Train is disabled until these fields hold values they accept:
          <ul>
            {blockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}
      {train.message && <p className="hint">{train.message}</p>}
      <ErrorLine error={train.error} testId="train.error" />
      <div className="train-stats">
        <span data-testid="train.step" data-step={step}>
          step {step}
          {total ? ` / ${total}` : ''}
        </span>
        {total > 0 && <progress value={step} max={total} aria-label="training progress" />}
        {last && active && (
          <span data-testid="train.speed">
            {last.stepsPerSecond.toFixed(2)} steps/s · {Math.round(last.tokensPerSecond).toLocaleString()} tokens/s · {formatDuration(last.secondsLeft)} left
          </span>
        )}
        {last && <span>loss {fixed(last.loss)}</span>}
        {train.lastEval && (
          <span data-testid="train.last-eval">
            val loss {fixed(train.lastEval.validationLoss)} · acc {(train.lastEval.accuracy * 100).toFixed(1)}%
          </span>
        )}
      </div>
      <LossChart current={current} overlays={overlays} baseline={baseline ? baseline.accuracy : null} />
      <RunList />
    </Panel>
  );
}
