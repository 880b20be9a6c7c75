import { describe, expect, it } from 'vitest';
import { detectLabels } from '../../../src/tuning/data/labels.ts';

const rows = (outputs: string[]) => outputs.map((output) => ({ output }));

describe('detectLabels', () => {
  it('few repeated outputs are classification, counted after trimming, sorted by code point', () => {
    const r = detectLabels(rows(['pos', 'neg ', 'pos', ' neg', 'Zed', 'Zed']));
    expect(r.kind).toBe('classification');
    expect(r.labels).toEqual([
      { label: 'Zed', count: 2 },
      { label: 'neg', count: 2 },
      { label: 'pos', count: 2 },
    ]);
  });

  it('a label seen once, a single label, or more than 20 labels make it free text', () => {
    expect(detectLabels(rows(['a', 'a', 'b'])).kind).toBe('generation');
    expect(detectLabels(rows(['a', 'a', 'a'])).kind).toBe('generation');
    const many = Array.from({ length: 21 }, (_, i) => `l${i}`);
    expect(detectLabels(rows([...many, ...many])).kind).toBe('generation');
    expect(detectLabels(rows([...many.slice(0, 20), ...many.slice(0, 20)])).kind).toBe('classification');
  });
});
