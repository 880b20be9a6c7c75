// What a number field accepts (NumberField.tsx), as a rule and in words.

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** min and max themselves are not allowed (learning rate > 0). */
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

const fmt = (n: number) => (Math.abs(n) >= 1e6 ? n.toExponential() : String(n));

/** What the field accepts, in words: "a whole number from 1 to 512", "a number greater than 0 and less than 10". */
export function describeRule(r: NumberRule): string {
  const kind = r.integer ? 'a whole number' : 'a number';
  const lo = r.min === undefined ? null : r.exclusiveMin ? `greater than ${fmt(r.min)}` : `≥ ${fmt(r.min)}`;
  const hi = r.max === undefined ? null : r.exclusiveMax ? `less than ${fmt(r.max)}` : `≤ ${fmt(r.max)}`;
  if (r.min !== undefined && r.max !== undefined && !r.exclusiveMin && !r.exclusiveMax) return `${kind} from ${fmt(r.min)} to ${fmt(r.max)}`;
  if (lo && hi) return `${kind} ${lo} and ${hi}`;
  return lo ? `${kind} ${lo}` : hi ? `${kind} ${hi}` : kind;
}

/** Null when `t` is acceptable, else why not (a sentence naming what is accepted). */
export function fieldProblem(t: string, r: NumberRule): string | null {
  const n = Number(t);
  const ok =
    t.trim() !== '' &&
    Number.isFinite(n) &&
    (!r.integer || Number.isInteger(n)) &&
    (r.min === undefined || (r.exclusiveMin ? n > r.min : n >= r.min)) &&
    (r.max === undefined || (r.exclusiveMax ? n < r.max : n <= r.max));
  if (ok) return null;
  return t.trim() === '' ? `empty; enter ${describeRule(r)}` : `“${t}” is not accepted; enter ${describeRule(r)}`;
}
