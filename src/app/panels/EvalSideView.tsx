// One side of the comparison (the untuned baseline, or the tuned prompt): accuracy, macro-F1 and the confusion
// matrix for classification; exact match, token F1, ROUGE-L and chrF for free text.
import type { EvalSide } from '../../worker/protocol.ts';
import { fixed, percent } from '../format.ts';
import { ConfusionMatrix } from './ConfusionMatrix.tsx';

export function EvalSideView({ title, side, labels, id }: { title: string; side: EvalSide | null; labels: string[]; id: 'baseline' | 'tuned' }) {
  const text = side?.text ?? null; // runs kept before the free-text metrics have none
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
            <small> {text ? 'exact match' : 'accuracy'}</small>
          </p>
          {side.macroF1 !== null && (
            <p>
              macro-F1 <span data-testid={`results.${id}-f1`} data-value={side.macroF1}>{fixed(side.macroF1)}</span>
            </p>
          )}
          {text && (
            <table className="metric-table" data-testid={`results.${id}-text-metrics`}>
              <tbody>
                <tr title="SQuAD token F1: lower case, no punctuation or articles, bag of words">
                  <th>token F1</th>
                  <td data-testid={`results.${id}-token_f1`} data-value={text.tokenF1}>{fixed(text.tokenF1)}</td>
                </tr>
                <tr title="ROUGE-L F-measure (rouge_score: longest common subsequence of words, no stemmer)">
                  <th>ROUGE-L</th>
                  <td data-testid={`results.${id}-rouge_l`} data-value={text.rougeL}>{fixed(text.rougeL)}</td>
                </tr>
                <tr title="chrF (sacreBLEU: character n-grams up to 6, β = 2), 0–100 over the split">
                  <th>chrF</th>
                  <td data-testid={`results.${id}-chrf`} data-value={text.chrf}>{fixed(text.chrf, 1)}</td>
                </tr>
              </tbody>
            </table>
          )}
          {side.confusion && <ConfusionMatrix labels={labels} matrix={side.confusion} testId={`results.confusion-${id}`} />}
        </>
      )}
    </div>
  );
}
