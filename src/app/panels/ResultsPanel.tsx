// Results: the untuned model and the tuned prompt side by side on the validation split (free text: exact match,
// token F1, ROUGE-L, chrF), per-example predictions side by side, cross-validation over folds and seeds, the
// generation playground, and the nearest tokens of the learned prompt.
import { evaluate } from '../actions/results.ts';
import { ErrorLine } from '../components/ErrorLine.tsx';
import { Panel } from '../components/Panel.tsx';
import { useStudio, type ResultsSlice } from '../store.ts';
import { EvalSideView } from './EvalSideView.tsx';
import { CrossValidateView } from './CrossValidateView.tsx';
import { ExamplesTable } from './ExamplesTable.tsx';
import { GainHeadline } from './GainHeadline.tsx';
import { NearestTokensView } from './NearestTokensView.tsx';
import { Playground } from './Playground.tsx';

/** "Scoring 12 / 48 (tuned prompt), ~40 s left", as the worker reports each engine call. */
function EvalProgressLine({ progress }: { progress: ResultsSlice['progress'] }) {
  const what = progress?.side === 'tuned' ? 'tuned prompt' : 'untuned model';
  const left = progress?.secondsLeft != null && progress.done < progress.total ? `, ~${Math.max(1, Math.round(progress.secondsLeft))} s left` : '';
  return (
    <p className="progress-line" role="status" data-testid="results.progress">
      {progress && progress.total > 0 ? `Scoring ${progress.done} / ${progress.total} (${what})${left}` : 'Scoring the validation examples with and without the prompt…'}
    </p>
  );
}

export function ResultsPanel() {
  const results = useStudio((s) => s.results);
  const modelReady = useStudio((s) => s.model.state === 'ready');
  const busy = useStudio((s) => s.train.phase === 'training' || s.train.phase === 'paused');
  const { report } = results;
  const blocked = !modelReady || busy;
  return (
    <Panel
      title="Results"
      id="results"
      aside={
        <button type="button" data-testid="results.evaluate" disabled={blocked || results.evaluating} onClick={() => void evaluate()}>
          {results.evaluating ? 'Evaluating…' : 'Evaluate'}
        </button>
      }
    >
      <ErrorLine error={results.error} testId="results.error" />
      {results.evaluating && <EvalProgressLine progress={results.progress} />}
      {report ? (
        <>
          <GainHeadline report={report} />
          <p className="hint">
            {report.kind === 'classification'
              ? 'Rank classification over the labels'
              : 'Greedy generation: exact match (strict), token F1 (SQuAD), ROUGE-L (rouge_score) and chrF (sacreBLEU)'}{' '}
            on {report.baseline.evaluated < report.baseline.available ? `the first ${report.baseline.evaluated} of ${report.baseline.available} examples of` : `all ${report.baseline.available} examples of`} the
            validation split.
          </p>
          <div className="side-by-side">
            <EvalSideView title="Untuned model" side={report.baseline} labels={report.labels} id="baseline" />
            <EvalSideView title="Tuned prompt" side={report.tuned} labels={report.labels} id="tuned" />
          </div>
          <ExamplesTable report={report} />
        </>
      ) : (
        !results.evaluating && <p className="hint">Results appear after training (or press Evaluate for the untuned baseline).</p>
      )}
      <CrossValidateView disabled={blocked} />
      <Playground disabled={blocked} />
      <NearestTokensView disabled={blocked} />
    </Panel>
  );
}
