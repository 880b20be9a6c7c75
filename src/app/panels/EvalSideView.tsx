// One side of the comparison (the untuned baseline, or the tuned prompt): accuracy, macro-F1, confusion matrix.
import type { EvalSide } from '../../worker/protocol.ts';
import { fixed, percent } from '../format.ts';
import { ConfusionMatrix } from './ConfusionMatrix.tsx';

export function EvalSideView({ title, side, labels, id }: { title: string; side: EvalSide | null; labels: string[]; id: 'baseline' | 'tuned' }) {
  return (
    <div className={`eval-side eval-${id}`}>
      <h3>{title}</h3>
      {side === null ? (
        <p className="hint">Train a prompt to compare.</p>
      ) : (
        <>
          <p className="big-number">
            <span data-testid={`results.${id}-accuracy`} data-value={side.accuracy}>
              {percent(side.accuracy)}
            </span>
            <small> accuracy</small>
          </p>
          {side.macroF1 !== null && (
            <p>
              macro-F1 <span data-testid={`results.${id}-f1`} data-value={side.macroF1}>{fixed(side.macroF1)}</span>
            </p>
          )}
          {side.confusion && <ConfusionMatrix labels={labels} matrix={side.confusion} testId={`results.confusion-${id}`} />}
        </>
      )}
    </div>
  );
}
