// A labelled number input that lets the user type freely ("0.", "", "1e-") and commits only valid numbers;
// the text follows the value when it changes from outside (a shared link, a method switch). Text it cannot
// accept is never silently replaced: the field says what it accepts, and reports the problem to the store
// (fieldProblems) so Train stays disabled, with the reason, until it is fixed. Legal but unusual values get a
// warning from `warn`. That text is kept in the store (fieldDrafts) and saved with the project, so a reload shows
// it again as typed, still invalid, rather than the last value the field accepted.
import { useEffect, useState } from 'react';
import { setFieldDraft, setFieldProblem, useStudio } from '../store.ts';
import { describeRule, fieldProblem, type NumberRule } from '../field-rules.ts';

interface Props extends NumberRule {
  label: string;
  value: number;
  onChange(value: number): void;
  testId: string;
  step?: number | 'any';
  title?: string;
  /** A warning for a legal but unusual value (shown, never blocking). */
  warn?(value: number): string | null;
}

export function NumberField({ label, value, onChange, testId, min, max, integer, exclusiveMin, exclusiveMax, title, warn }: Props) {
  const rule: NumberRule = { integer, min, max, exclusiveMin, exclusiveMax };
  const [text, setText] = useState(() => useStudio.getState().fieldDrafts[testId] ?? String(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The value changed elsewhere: show it (React's "adjust state while rendering" pattern).
    setShown(value);
    setText(String(value));
  }
  const problem = fieldProblem(text, rule);
  // A committed value can still break a rule that changed (a smaller model allows fewer virtual tokens).
  const warning = problem === null && warn ? warn(Number(text)) : null;
  const blocking = problem === null ? null : `${label}: ${problem}`;
  useEffect(() => {
    setFieldProblem(testId, blocking);
    return () => setFieldProblem(testId, null);
  }, [testId, blocking]);
  const draft = problem === null ? null : text;
  useEffect(() => {
    setFieldDraft(testId, draft);
    return () => setFieldDraft(testId, null);
  }, [testId, draft]);
  return (
    <label className="field" title={title}>
      <span>{label}</span>
      <input
        type="text"
        inputMode="decimal"
        data-testid={testId}
        value={text}
        aria-invalid={problem !== null}
        aria-description={describeRule(rule)}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (fieldProblem(t, rule) === null) {
            const n = Number(t);
            setShown(n);
            onChange(n);
          }
        }}
      />
      {problem !== null && (
        <small className="field-problem" role="alert" data-testid={`${testId}.problem`}>
          {problem}
        </small>
      )}
      {warning && (
        <small className="field-warning" data-testid={`${testId}.warning`}>
          {warning}
        </small>
      )}
    </label>
  );
}
