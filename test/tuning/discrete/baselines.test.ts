import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { directoryModelFiles } from '../../../cli/node-files.ts';
import { TuningSession } from '../../../src/tuning/session.ts';
import { BASELINE_ROWS, DEFAULT_BASELINE_REQUEST, kShotContext, type BaselineRequest } from '../../../src/tuning/discrete/baselines.ts';
import { renderTemplate } from '../../../src/tuning/data/template.ts';

// The comparison table on the demo model in the float64 reference (CPU engine), on a small slice of the
// needs-tuning sample task so every row runs in seconds: the rows come in table order, each measured on the
// same validation split; k-shot takes only what fits the model's context and says so; a stop leaves the rows
// not reached without a number.
const TEMPLATE = 'Review: {input}\nCode:';
const lines = readFileSync('public/datasets/sentiment-code.csv', 'utf8').trim().split('\n');
const TABLE = [lines[0], ...lines.slice(1).filter((l) => l.endsWith(',train')).slice(0, 12), ...lines.slice(1).filter((l) => l.endsWith(',validation')).slice(0, 8)].join('\n');

const session = new TuningSession();
beforeAll(async () => {
  await session.loadModel(directoryModelFiles('public/models/demo'), null);
  const d = session.setDataset({ text: TABLE, fileName: 'slice.csv', template: TEMPLATE, validationFraction: 0.2, seed: 42 }, 16);
  expect(d.ok).toBe(true);
  expect(d.validation).toHaveLength(8);
});

const TINY: BaselineRequest = {
  ...DEFAULT_BASELINE_REQUEST,
  instruction: 'Secret code: sun',
  shots: 2,
  pez: { ...DEFAULT_BASELINE_REQUEST.pez, promptLength: 3, steps: 2, scoreExamples: 4 },
  autoprompt: { ...DEFAULT_BASELINE_REQUEST.autoprompt, triggerLength: 2, iterations: 1, candidates: 2, scoreExamples: 4 },
  trainSteps: 2,
};

describe('compareBaselines', () => {
  it('measures every row on the same validation split, in table order, with the readable prompts as text', async () => {
    const progress: number[] = [];
    const rows = await session.compareBaselines(TINY, { onProgress: (p) => progress.push(p.fraction) });
    expect(rows.map((r) => r.id)).toEqual(BASELINE_ROWS.map((r) => r.id));
    for (const r of rows) {
      expect(r.accuracy, `${r.id}: ${r.note}`).not.toBeNull();
      expect(Number.isFinite(r.validationLoss!)).toBe(true);
    }
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    // The header the demo model was trained under is the instruction that recovers the code word.
    expect(by.instruction.accuracy).toBe(1);
    expect(by.instruction.validationLoss!).toBeLessThan(by.template.validationLoss! - 0.3);
    expect(by.instruction.promptText).toBe('Secret code: sun\n');
    expect(by.template.promptText).toBe('');
    expect(by.kshot.promptText!.split('\n\n').filter(Boolean)).toHaveLength(2);
    expect(by.kshot.note).toMatch(/^2 demonstrations/);
    expect(by.pez.tokenIds).toHaveLength(3);
    expect(by.autoprompt.tokenIds).toHaveLength(2);
    expect(by['soft-projected'].tokenIds).toHaveLength(16); // the prompt-tuning default length
    for (const id of ['pez', 'autoprompt', 'soft-projected'] as const) expect(by[id].promptText).toBe(session.tokenizer!.decode(by[id].tokenIds!));
    expect(by.soft.promptText).toBeNull();
    expect(by.prefix.promptText).toBeNull();
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
  });

  it('a stop after the first row leaves the others without a number, saying why', async () => {
    let seen = 0;
    const rows = await session.compareBaselines(TINY, {
      onRow: () => {
        seen += 1;
        session.stopDiscrete();
      },
    });
    expect(seen).toBe(rows.length);
    expect(rows.map((r) => r.id)).toEqual(BASELINE_ROWS.map((r) => r.id));
    expect(rows[0].accuracy).not.toBeNull();
    for (const r of rows.slice(1)) {
      expect(r.accuracy).toBeNull();
      expect(r.note).toBe('stopped before this row ran');
    }
  });
});

describe('kShotContext', () => {
  it('alternates labels, renders template + answer, and takes only the demonstrations that fit', () => {
    const tok = session.tokenizer!;
    const d = session.dataset!;
    const all = kShotContext(tok, d, 4, 1, 256);
    expect(all.shots).toBe(4);
    const demos = all.text.split('\n\n').filter(Boolean);
    const answers = demos.map((t) => t.split('Code: ')[1]);
    expect(new Set(answers.slice(0, 2)).size).toBe(2); // one of each label first
    for (const t of demos) expect(d.train.some((e) => `${renderTemplate(TEMPLATE, e.input)} ${e.output}` === t)).toBe(true);
    // A limit with room for the longest validation row and about one demonstration.
    const longest = Math.max(...d.validation.map((e) => e.prompt.length + e.target.length));
    const one = tok.encode(demos[0] + '\n\n').length;
    const tight = kShotContext(tok, d, 4, 1, longest + one + 8 + 2);
    expect(tight.shots).toBe(1);
    expect(tight.note).toMatch(/^1 of the 4 demonstrations fit/);
    const none = kShotContext(tok, d, 4, 1, longest + 3);
    expect(none.shots).toBe(0);
    expect(none.note).toMatch(/no demonstration fits/);
  });

  it('writes the answers of the demonstrations the way the dataset writes its targets (no leading space when it is off)', () => {
    const tok = session.tokenizer!;
    const d = { ...session.dataset!, target: { leadingSpace: false } };
    const demos = kShotContext(tok, d, 2, 1, 256).text.split('\n\n').filter(Boolean);
    expect(demos).toHaveLength(2);
    for (const t of demos) expect(d.train.some((e) => `${renderTemplate(TEMPLATE, e.input)}${e.output}` === t)).toBe(true);
  });
});
