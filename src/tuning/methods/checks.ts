import type { ModelConfig } from '../../engine/model/config.ts';
import type { MethodOptions } from './method.ts';

/** Option checks every method shares; each problem is a sentence that says what to change. */
export function commonChecks(options: MethodOptions, cfg: ModelConfig): string[] {
  const problems: string[] = [];
  const P = options.virtualTokens;
  if (!Number.isInteger(P) || P < 1) problems.push(`virtual tokens must be a whole number ≥ 1 (got ${P})`);
  else if (P >= cfg.maxPositions)
    problems.push(`${P} virtual tokens leave no room for text: this model has ${cfg.maxPositions} positions`);
  if ('encoderHidden' in options && (!Number.isInteger(options.encoderHidden) || options.encoderHidden < 1))
    problems.push(`encoder hidden size must be a whole number ≥ 1 (got ${options.encoderHidden})`);
  return problems;
}
