// The outcome in large type, first thing in Results: "untuned 49% → tuned 100% on 80 validation examples".
// Classification shows accuracy; free text shows chrF (exact match is too strict to show the gain: README).
import type { EvalReport, EvalSide } from '../../worker/protocol.ts';

function score(report: EvalReport, side: EvalSide): { value: number; text: string } {
  if (report.kind === 'generation' && side.text) return { value: side.text.chrf, text: side.text.chrf.toFixed(1) };
  return { value: side.accuracy, text: `${Math.round(side.accuracy * 100)}%` };
}

export function GainHeadline({ report }: { report: EvalReport }) {
  const { baseline, tuned } = report;
  const metric = report.kind === 'generation' && baseline.text ? ' chrF' : '';
  const before = score(report, baseline);
  const after = tuned ? score(report, tuned) : null;
  const n = baseline.evaluated;
  const of = baseline.evaluated < baseline.available ? ` (of ${baseline.available})` : '';
  return (
    <p className="gain" data-testid="results.gain" data-baseline={before.value} data-tuned={after?.value ?? ''} data-examples={n}>
      <span className="gain-side">untuned {before.text}{metric}</span>
      {after && (
        <>
          <span className="gain-arrow" aria-label="to">
            {' → '}
          </span>
          <strong className="gain-side gain-tuned">tuned {after.text}{metric}</strong>
        </>
      )}
      <span className="gain-on">
        {' '}on {n} validation example{n === 1 ? '' : 's'}
        {of}
      </span>
    </p>
  );
}
