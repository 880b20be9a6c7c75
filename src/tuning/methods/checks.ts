import type { ModelConfig } from '../../engine/model/config.ts';
import type { BaseMethodOptions, MethodCard } from './cards/index.ts';

/** Option checks every method shares, read off its card's fields; each problem is a sentence that says what to
 *  change. A method's own checks (TuningMethod.checkOptions) come after these. */
export function commonChecks<O extends BaseMethodOptions>(card: MethodCard<O>, options: O, cfg: ModelConfig): string[] {
  const problems: string[] = [];
  const P = options.virtualTokens;
  if (!Number.isInteger(P) || P < 1) problems.push(`virtual tokens must be a whole number ≥ 1 (got ${P})`);
  else if (P >= cfg.maxPositions)
    problems.push(`${P} virtual tokens leave no room for text: this model has ${cfg.maxPositions} positions`);
  for (const field of card.fields) {
    if (field.kind !== 'integer' || (field.showIf && !field.showIf(options))) continue;
    const v = options[field.key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < field.min)
      problems.push(`${field.label} (${field.peft}) must be a whole number ≥ ${field.min} (got ${String(v)})`);
  }
  return problems;
}
