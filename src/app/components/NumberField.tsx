// A labelled number input that lets the user type freely ("0.", "", "1e-") and commits only valid numbers;
// the text follows the value when it changes from outside (a shared link, a method switch).
import { useState } from 'react';

interface Props {
  label: string;
  value: number;
  onChange(value: number): void;
  testId: string;
  step?: number | 'any';
  min?: number;
  max?: number;
  integer?: boolean;
  title?: string;
}

function accepts(t: string, integer?: boolean, min?: number, max?: number): boolean {
  const n = Number(t);
  return (
    t.trim() !== '' &&
    Number.isFinite(n) &&
    (!integer || Number.isInteger(n)) &&
    (min === undefined || n >= min) &&
    (max === undefined || n <= max)
  );
}

export function NumberField({ label, value, onChange, testId, step = 'any', min, max, integer, title }: Props) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The value changed elsewhere: show it (React's "adjust state while rendering" pattern).
    setShown(value);
    setText(String(value));
  }
  const valid = accepts(text, integer, min, max);
  return (
    <label className="field" title={title}>
      <span>{label}</span>
      <input
        type="number"
        inputMode="decimal"
        data-testid={testId}
        value={text}
        step={step}
        min={min}
        max={max}
        aria-invalid={!valid}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (accepts(t, integer, min, max)) {
            const n = Number(t);
            setShown(n);
            onChange(n);
          }
        }}
      />
    </label>
  );
}
