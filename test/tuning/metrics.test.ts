import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, exactMatch, macroF1 } from '../../src/tuning/metrics.ts';

describe('metrics', () => {
  it('accuracy counts equal positions', () => {
    expect(accuracy([0, 1, 2, 1], [0, 2, 2, 1])).toBe(0.75);
    expect(Number.isNaN(accuracy([], []))).toBe(true);
  });

  it('confusion matrix is [true][predicted]', () => {
    expect(confusionMatrix([0, 0, 1, 2], [1, 0, 1, 1], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
  });

  it('macro-F1 by hand: per-label F1 = 2TP / (2TP + FP + FN), averaged', () => {
    // truth 0 0 1 1 2, pred 0 1 1 1 0:
    // label 0: TP 1, FP 1, FN 1 → 2/4 = 0.5; label 1: TP 2, FP 1, FN 0 → 4/5; label 2: TP 0 → 0.
    expect(macroF1([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3)).toBeCloseTo((0.5 + 0.8 + 0) / 3, 12);
  });

  it('macro-F1 averages only over labels present in truth or predictions (scikit-learn)', () => {
    // Label 2 of 3 never occurs: sklearn's f1_score(average="macro") uses unique_labels(y_true, y_pred) = {0, 1}.
    // label 0: TP 2, FP 0, FN 1 → 4/5; label 1: TP 1, FP 1, FN 0 → 2/3.
    expect(macroF1([0, 0, 0, 1], [0, 0, 1, 1], 3)).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
    // A label only predicted still counts (F1 0), lowering the mean.
    expect(macroF1([0, 0], [0, 1], 2)).toBeCloseTo((2 / 3 + 0) / 2, 12);
    expect(macroF1([1, 0, 1], [1, 0, 1], 2)).toBe(1);
  });

  it('exact match ignores surrounding whitespace only', () => {
    expect(exactMatch(' Paris\n', 'Paris')).toBe(true);
    expect(exactMatch('paris', 'Paris')).toBe(false);
    expect(exactMatch('Paris France', 'Paris')).toBe(false);
  });
});
