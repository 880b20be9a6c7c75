// Re-checking a table tokenises each distinct text once per tokenizer and kind; what a caller gets is its own copy.
import { describe, expect, it } from 'vitest';
import { cachedEncoder } from '../../../src/tuning/data/encode-cache.ts';

describe('cachedEncoder', () => {
  it('tokenises a text once per tokenizer and kind, and hands out copies', () => {
    const calls: string[] = [];
    const encode = (t: string) => {
      calls.push(t);
      return [...t].map((c) => c.charCodeAt(0));
    };
    const tok = {};
    const prompt = cachedEncoder(tok, 'prompt', encode);
    const a = prompt('hi');
    a.push(99); // the caller's copy; the cache keeps the ids
    expect(cachedEncoder(tok, 'prompt', encode)('hi')).toEqual([104, 105]);
    expect(calls).toEqual(['hi']);
    cachedEncoder(tok, 'prompt/chat', encode)('hi'); // another kind: tokenised again
    cachedEncoder({}, 'prompt', encode)('hi'); // another tokenizer: again
    expect(calls).toEqual(['hi', 'hi', 'hi']);
  });
});
