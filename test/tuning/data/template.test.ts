import { describe, expect, it } from 'vitest';
import { checkTemplate, renderTemplate, targetText } from '../../../src/tuning/data/template.ts';

describe('templates', () => {
  it('needs {input} exactly once, and says so in a sentence', () => {
    expect(checkTemplate('Review: {input}\nSentiment:')).toBeNull();
    expect(checkTemplate('Review:\nSentiment:')).toMatch(/must contain \{input\}/);
    expect(checkTemplate('{input} and {input}')).toMatch(/2 times/);
  });

  it('renders the input literally (no $-patterns, no second substitution)', () => {
    expect(renderTemplate('Q: {input}\nA:', 'cost $& {input}')).toBe('Q: cost $& {input}\nA:');
    expect(() => renderTemplate('no slot', 'x')).toThrow(/\{input\}/);
  });

  it('answers get one leading space unless they already start with whitespace', () => {
    expect(targetText('positive')).toBe(' positive');
    expect(targetText(' positive')).toBe(' positive');
    expect(targetText('\nline')).toBe('\nline');
  });
});
