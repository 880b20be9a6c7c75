import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/engine/model/config.ts';
import { prepareDataset, type DatasetRequest } from '../../../src/tuning/data/prepare.ts';
import type { TextTokenizer } from '../../../src/tuning/data/tokenizer.ts';

// A character-level tokenizer (id = code point, EOS = 0) keeps every length checkable by counting characters.
const encodeChars = (text: string) => Array.from(text, (c) => c.codePointAt(0) ?? 0);
const charTok: TextTokenizer = {
  encode: encodeChars,
  encodeWithSpecialTokens: encodeChars,
  specialTokens: { prefix: [], suffix: [], source: 'none' },
  chat: null,
  chatProblem: 'no chat template',
  decode: (ids) => String.fromCodePoint(...ids.filter((i) => i !== 0)),
  tokenText: (id) => String.fromCodePoint(id),
  pieces: (ids) => ids.map((id) => ({ text: String.fromCodePoint(id), special: id === 0 })),
  eosTokenId: 0,
  bosTokenId: null,
  vocabSize: 0x110000,
};

const cfg = (maxPositions: number) =>
  parseModelConfig({
    model_type: 'llama', hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1,
    intermediate_size: 16, vocab_size: 300, max_position_embeddings: maxPositions, rms_norm_eps: 1e-6, rope_theta: 10000,
  });

const sentiment = ['input,output', ...Array.from({ length: 10 }, (_, i) => `review ${i},${i % 2 ? 'pos' : 'neg'}`)].join('\n');
const request = (over: Partial<DatasetRequest> = {}): DatasetRequest => ({
  text: sentiment, fileName: 'sentiment.csv', template: 'R: {input}\nS:', validationFraction: 0.2, seed: 42, ...over,
});

describe('prepareDataset', () => {
  it('classification: labels with their continuations, stratified split, prompt / target token ids, no EOS', () => {
    const d = prepareDataset(request(), charTok, cfg(64), 4);
    expect(d.ok).toBe(true);
    expect(d.errors).toEqual([]);
    expect(d.kind).toBe('classification');
    expect(d.labels.names).toEqual(['neg', 'pos']);
    expect(d.labels.counts).toEqual([5, 5]);
    expect(d.labels.tokens).toEqual([charTok.encode(' neg'), charTok.encode(' pos')]);
    expect(d.train).toHaveLength(8);
    expect(d.validation.map((e) => e.output).sort()).toEqual(['neg', 'pos']);
    const e = d.train[0];
    expect(e.prompt).toEqual(charTok.encode(`R: ${e.input}\nS:`));
    expect(e.target).toEqual(charTok.encode(` ${e.output}`));
    expect(d.preview).toMatchObject({ text: `R: ${e.input}\nS:`, target: ` ${e.output}`, tokens: e.prompt.length + e.target.length });
    // The same request gives the same split.
    expect(prepareDataset(request(), charTok, cfg(64), 4).validation).toEqual(d.validation);
  });

  it('free text gets EOS after the answer', () => {
    const text = ['{"input": "France", "output": "Paris"}', '{"input": "Peru", "output": "Lima"}', '{"input": "Chad", "output": "N\'Djamena"}'].join('\n');
    const d = prepareDataset(request({ text, fileName: 'capitals.jsonl', template: 'Capital of {input}:' }), charTok, cfg(64), 2);
    expect(d.kind).toBe('generation');
    expect(d.labels.tokens).toEqual([]);
    const all = [...d.train, ...d.validation];
    expect(all).toHaveLength(3);
    for (const e of all) expect(e.target).toEqual([...charTok.encode(` ${e.output}`), 0]);
  });

  it('rows longer than the context are reported with their line, make it not ok, and are not cut', () => {
    const long = 'x'.repeat(30);
    const text = `input,output\nshort,a\nshort,b\n${long},a\nok,b\n`;
    // Row on line 4: prompt "R: " + 30 + "\nS:" = 36, target " a" = 2, plus 4 virtual = 42 > 40.
    // Row "short": 3 + 5 + 3 + 2 + 4 = 17 fits.
    const d = prepareDataset(request({ text }), charTok, cfg(40), 4);
    expect(d.ok).toBe(false);
    expect(d.tooLong).toHaveLength(1);
    expect(d.tooLong[0].row).toBe(4);
    expect(d.tooLong[0].tokens + 4).toBe(42); // prompt + answer (+ the virtual tokens the limit leaves room for)
    expect(d.tooLong[0].limit + 4).toBe(40);
    expect(d.errors.some((err) => err.line === 4 && /tokens/.test(err.message))).toBe(true);
    const kept = [...d.train, ...d.validation].find((e) => e.input === long);
    expect(kept?.prompt).toHaveLength(36);
    // 42 tokens (virtual included) fit in exactly 42 positions, not in 41.
    expect(prepareDataset(request({ text }), charTok, cfg(42), 4).tooLong).toEqual([]);
    expect(prepareDataset(request({ text }), charTok, cfg(41), 4).tooLong).toHaveLength(1);
  });

  it('a template without {input} is a line-0 error, and line errors come through', () => {
    const d = prepareDataset(request({ template: 'Review:' }), charTok, cfg(64), 4);
    expect(d.ok).toBe(false);
    expect(d.errors[0].line).toBe(0);
    expect(d.errors[0].message).toMatch(/\{input\}/);
    const bad = prepareDataset(request({ text: `${sentiment}\na,b,c` }), charTok, cfg(64), 4);
    expect(bad.ok).toBe(false);
    expect(bad.errors.map((e) => e.line)).toEqual([12]);
  });
});
