import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodeExample, encodeExamples, rowLabels, rowLimit, toTrainingBatch } from '../../../src/tuning/data/encode.ts';
import { loadTokenizer, tokenizerFromJson, type Tokenizer } from '../../../src/tuning/data/tokenizer.ts';
import { IGNORE_INDEX } from '../../../src/engine/model/batch.ts';

// A character-level tokenizer: one id per UTF-16 unit, so expected ids are written by hand from the text.
const chars: Tokenizer = {
  encode: (t) => Array.from(t, (c) => c.charCodeAt(0)),
  decode: (ids) => String.fromCharCode(...ids),
};
const ids = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const EOS = 1;

describe('encodeExample / encodeExamples', () => {
  const template = 'Q: {input}\nA:';

  it('prompt = rendered template, target = " " + trimmed output (+ EOS when asked)', () => {
    const cls = encodeExample({ input: 'hi', output: ' yes ' }, chars, { template, eosTokenId: null, maxPositions: 64, virtualTokens: 4 });
    expect(cls).toEqual({ input: 'hi', output: 'yes', prompt: ids('Q: hi\nA:'), target: ids(' yes') });
    const gen = encodeExample({ input: 'hi', output: 'yes' }, chars, { template, eosTokenId: EOS, maxPositions: 64, virtualTokens: 4 });
    expect(gen.target).toEqual([...ids(' yes'), EOS]);
    const noSpace = encodeExample({ input: 'hi', output: 'yes' }, chars, { template: 'Q: {input}\nA: ', target: { leadingSpace: false }, eosTokenId: null, maxPositions: 64, virtualTokens: 4 });
    expect(noSpace.target).toEqual(ids('yes'));
  });

  it('labels are -100 on the prompt and the target ids on the answer', () => {
    const row = encodeExample({ input: 'ab', output: 'c' }, chars, { template, eosTokenId: EOS, maxPositions: 64, virtualTokens: 0 });
    const labels = rowLabels(row);
    expect(labels).toHaveLength(row.prompt.length + row.target.length);
    expect(labels.slice(0, row.prompt.length).every((l) => l === IGNORE_INDEX)).toBe(true);
    expect(labels.slice(row.prompt.length)).toEqual([...ids(' c'), EOS]);
  });

  it('reports rows longer than maxPositions − virtual tokens with their line, and does not cut them', () => {
    const examples = [
      { input: 'a', output: 'x', line: 2 }, // 'Q: a\nA:' 7 + ' x' 2 = 9
      { input: 'abcd', output: 'x', line: 3 }, // 12
      { input: 'ab', output: 'xyz', line: 5 }, // 8 + 4 = 12
      { input: 'abc', output: 'x' }, // 11, no line: reported by position
    ];
    const r = encodeExamples(examples, chars, { template, eosTokenId: null, maxPositions: 16, virtualTokens: 5 });
    expect(r.limit).toBe(11);
    expect(rowLimit(16, 5)).toBe(11);
    expect(r.tooLong).toEqual([
      { row: 3, tokens: 12, limit: 11 },
      { row: 5, tokens: 12, limit: 11 },
    ]);
    expect(r.rows.map((x) => x.prompt.length + x.target.length)).toEqual([9, 12, 12, 11]);
    const over = encodeExamples([{ input: 'abcd', output: 'x' }], chars, { template, eosTokenId: null, maxPositions: 16, virtualTokens: 6 });
    expect(over.tooLong).toEqual([{ row: 1, tokens: 12, limit: 10 }]);
  });

  it('batches right-padded rows: pads masked and ignored, labels aligned with the tokens', () => {
    const { rows } = encodeExamples([{ input: 'a', output: 'x' }, { input: 'abc', output: 'yz' }], chars, { template, eosTokenId: EOS, maxPositions: 64, virtualTokens: 2 });
    const batch = toTrainingBatch(rows, { padTokenId: 0, eosTokenId: EOS });
    const T = Math.max(...rows.map((r) => r.prompt.length + r.target.length));
    expect([batch.rows, batch.columns]).toEqual([2, T]);
    for (let b = 0; b < 2; b++) {
      const toks = [...rows[b].prompt, ...rows[b].target];
      const labels = rowLabels(rows[b]);
      for (let t = 0; t < T; t++) {
        const real = t < toks.length;
        expect([batch.inputIds[b * T + t], batch.attentionMask[b * T + t], batch.labels[b * T + t]]).toEqual(
          real ? [toks[t], 1, labels[t]] : [0, 0, IGNORE_INDEX],
        );
      }
    }
  });
});

describe('the bundled demo tokenizer', () => {
  const dir = resolve('public/models/demo');
  const read = (f: string) => JSON.parse(readFileSync(resolve(dir, f), 'utf8')) as object;

  it('loadTokenizer (AutoTokenizer, local folder) agrees with tokenizerFromJson, and encodes rows that decode back', async () => {
    const tok = await loadTokenizer(dir);
    const same = tokenizerFromJson(read('tokenizer.json'), read('tokenizer_config.json'));
    const template = 'Review: {input}\nSentiment:';
    for (const text of ['Review: a fine film\nSentiment:', ' positive', 'the cat sat']) expect(tok.encode(text)).toEqual(same.encode(text));
    expect([tok.eosTokenId, tok.vocabSize]).toEqual([same.eosTokenId, same.vocabSize]);
    const row = encodeExample({ input: 'a fine film', output: 'positive' }, tok, { template, eosTokenId: tok.eosTokenId, maxPositions: 256, virtualTokens: 8 });
    expect(row.target.at(-1)).toBe(tok.eosTokenId);
    expect(tok.decode(row.prompt)).toBe('Review: a fine film\nSentiment:');
    // Encoding prompt and answer apart gives the tokens of the whole text (the leading-space convention).
    expect([...row.prompt, ...row.target.slice(0, -1)]).toEqual(tok.encode('Review: a fine film\nSentiment: positive'));
  });

  it('a missing folder is a sentence naming the files it needs', async () => {
    await expect(loadTokenizer(resolve('public/models/no-such-model'))).rejects.toThrow(/could not load the tokenizer from .*no-such-model.*tokenizer\.json and tokenizer_config\.json/);
  });
});
