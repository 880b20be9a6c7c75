// The comparison table of issue 8: on the same validation split and the same metric (rank-classification
// accuracy, or exact match for free text), the prompts a user can put in front of the template —
//   template alone · a hand-written instruction · k in-context examples from the training split ·
//   PEZ · AutoPrompt (discovered hard prompts) · a soft prompt, and that soft prompt projected to its nearest
//   tokens · a prefix —
// each with the hard prompt's text where there is one. The soft prompt and the prefix are trained here, with
// the studio's defaults and a modest step count, on the same training split: a user pressing "compare" expects
// every row to be measured now, on this data, not taken from whichever run happened to be last.
//
// Text rows (instruction, k-shot) are tokenised together with the rendered template, exactly as the text
// would be typed. Discovered prompts are evaluated as their token ids (prepended embeddings = typed tokens);
// their text is the decoding of those ids, and `retokenizes` says whether typing that text gives the same ids
// (a byte-level BPE may split it differently).
import type { CausalLM } from '../../engine/model/causal-lm.ts';
import type { ExtraInputs } from '../../engine/model/batch.ts';
import type { EncodedExample } from '../data/encoded.ts';
import type { PreparedDataset } from '../data/prepare.ts';
import { renderTemplate, targetText } from '../data/template.ts';
import type { TextTokenizer } from '../data/tokenizer.ts';
import { encodePrompt } from '../data/row-format.ts';
import { evaluateClassification, evaluateGeneration, type EvaluationReport, type TextScores } from '../evaluate.ts';
import { METHODS, methodFor } from '../methods/registry.ts';
import type { MethodOptions } from '../methods/method.ts';
import { Rng } from '../random.ts';
import { Trainer } from '../trainer.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../train-config.ts';
import { discoverAutoPrompt, DEFAULT_AUTOPROMPT_OPTIONS, type AutoPromptOptions } from './autoprompt.ts';
import { discoverPez, DEFAULT_PEZ_OPTIONS, type HardPromptResult, type PezOptions } from './pez.ts';
import { hardPromptExtras, projectToVocabulary, type Vocabulary } from './projection.ts';
import { BASELINE_ROWS, type BaselineRowId } from './baseline-rows.ts';

export { BASELINE_ROWS, type BaselineRowId };

export interface BaselineRow {
  id: BaselineRowId;
  title: string;
  /** Validation accuracy (exact match for free text); null when the row could not be run (see `note`). */
  accuracy: number | null;
  macroF1: number | null;
  /** Free text: exact match, token F1, ROUGE-L and chrF (evaluate.ts); null for classification or a row not run. */
  text: TextScores | null;
  validationLoss: number | null;
  /** The text put before the template, when the row is a readable prompt. */
  promptText: string | null;
  tokenIds: number[] | null;
  /** Whether typing `promptText` tokenises to `tokenIds` (discovered prompts only). */
  retokenizes: boolean | null;
  note: string;
  seconds: number;
}

export interface BaselineRequest {
  instruction: string; // typed by the user; empty = the row is skipped
  shots: number; // k; 0 = the row is skipped
  pez: PezOptions;
  autoprompt: Omit<AutoPromptOptions, 'initIds'>;
  trainSteps: number; // steps for the soft prompt and the prefix
  seed: number;
}

export const DEFAULT_BASELINE_REQUEST: BaselineRequest = {
  instruction: '',
  shots: 4,
  pez: DEFAULT_PEZ_OPTIONS,
  autoprompt: DEFAULT_AUTOPROMPT_OPTIONS,
  trainSteps: 30,
  seed: 42,
};

export interface BaselineContext {
  lm: CausalLM;
  tok: TextTokenizer;
  dataset: PreparedDataset;
  vocab: Vocabulary;
}

export interface BaselineProgress {
  row: BaselineRowId;
  /** What is happening, e.g. "PEZ step 12/40, best training loss 0.61". */
  message: string;
  /** 0..1 across the whole comparison. */
  fraction: number;
}

export interface BaselineHooks {
  onProgress?(p: BaselineProgress): void;
  onRow?(row: BaselineRow): void;
  shouldStop?(): boolean;
}

/** Evaluates `examples` as the session does: rank classification, or greedy generation with exact match. */
export function evaluateExamples(ctx: Pick<BaselineContext, 'lm' | 'tok' | 'dataset'>, examples: EncodedExample[], extras: ExtraInputs): Promise<EvaluationReport> {
  const { lm, tok, dataset: d } = ctx;
  return d.kind === 'classification'
    ? evaluateClassification(lm, examples, { names: d.labels.names, tokens: d.labels.tokens }, extras)
    : evaluateGeneration(lm, examples, extras, (ids) => tok.decode(ids), d.stopIds);
}

/** Tokens one row may have in the engine: the model's context, or the engine's buffers if smaller. */
export function rowTokenLimit(lm: CausalLM): number {
  return Math.min(lm.config.maxPositions, lm.capacity.tokens);
}

/** The examples with `text` typed before the rendered template (tokenised together, as typed, as the rows' prompts
 *  are: after BOS, or inside the chat template's user turn). */
export function withTextBefore(tok: TextTokenizer, template: string, examples: readonly EncodedExample[], text: string, chat = false): EncodedExample[] {
  return examples.map((e) => ({ ...e, prompt: encodePrompt(tok, text + renderTemplate(template, e.input), chat) }));
}

/** The instruction as it goes before the template: on its own line unless it already ends with whitespace. */
export function instructionText(instruction: string): string {
  return /\s$/.test(instruction) ? instruction : `${instruction}\n`;
}

export interface KShotContext {
  text: string; // the demonstrations, each "template + answer", separated by a blank line, ending with one
  shots: number; // how many fit
  asked: number;
  note: string;
}

/**
 * k demonstrations from the training split (seeded; for classification one label after another so every label
 * is shown), as many as fit: the longest validation row plus the demonstrations must stay within the row limit.
 */
export function kShotContext(tok: TextTokenizer, dataset: PreparedDataset, k: number, seed: number, limit: number): KShotContext {
  const rng = new Rng(seed);
  const byLabel = new Map<string, EncodedExample[]>();
  for (const e of rng.shuffle(dataset.train)) {
    const key = dataset.kind === 'classification' ? e.output : '';
    byLabel.set(key, [...(byLabel.get(key) ?? []), e]);
  }
  const queues = [...byLabel.values()];
  const picked: EncodedExample[] = [];
  for (let round = 0; picked.length < k && queues.some((q) => q.length > round); round++)
    for (const q of queues) if (round < q.length && picked.length < k) picked.push(q[round]);
  const longest = Math.max(0, ...dataset.validation.map((e) => e.prompt.length + e.target.length));
  const demo = (e: EncodedExample) => `${renderTemplate(dataset.template, e.input)}${targetText(e.output, dataset.target)}\n\n`;
  let text = '';
  let shots = 0;
  for (const e of picked) {
    const next = text + demo(e);
    // Measured with the longest validation row after it, tokenised together; +8 tokens of slack for a BPE merge
    // across the boundary with a longer row than the one measured.
    if (tok.encode(next).length + longest + 8 > limit) break;
    text = next;
    shots += 1;
  }
  const note =
    shots === 0
      ? `no demonstration fits: the longest validation row (${longest} tokens) leaves no room in ${limit} positions`
      : shots < k
        ? `${shots} of the ${k} demonstrations fit in the model's ${limit} positions (the longest validation row takes ${longest})`
        : `${shots} demonstration${shots === 1 ? '' : 's'} from the training split, ${tok.encode(text).length} tokens`;
  return { text, shots, asked: k, note };
}

export async function compareBaselines(ctx: BaselineContext, req: BaselineRequest, hooks: BaselineHooks = {}): Promise<BaselineRow[]> {
  const { lm, tok, dataset: d, vocab } = ctx;
  if (d.validation.length === 0) throw new Error('there are no validation examples to compare on');
  const rows: BaselineRow[] = [];
  const total = BASELINE_ROWS.length;
  const progress = (row: BaselineRowId, message: string, within = 0) =>
    hooks.onProgress?.({ row, message, fraction: Math.min(1, (rows.length + within) / total) });
  const finish = (id: BaselineRowId, t0: number, fields: Partial<BaselineRow> & { note: string }): void => {
    const row: BaselineRow = {
      id, title: BASELINE_ROWS.find((r) => r.id === id)!.title,
      accuracy: null, macroF1: null, text: null, validationLoss: null, promptText: null, tokenIds: null, retokenizes: null,
      seconds: (performance.now() - t0) / 1000, ...fields,
    };
    rows.push(row);
    hooks.onRow?.(row);
  };
  const scores = (r: EvaluationReport) => ({ accuracy: r.accuracy, macroF1: r.macroF1, text: r.text, validationLoss: r.validationLoss });
  const evaluate = (examples: EncodedExample[], extras: ExtraInputs) => evaluateExamples(ctx, examples, extras);
  const stopped = () => hooks.shouldStop?.() ?? false;
  const hardRow = (result: HardPromptResult, what: string) => {
    const text = tok.decode(result.ids);
    const same = tok.encode(text).join(',') === result.ids.join(',');
    return {
      promptText: text, tokenIds: result.ids, retokenizes: same,
      note: `${what}: ${result.steps} step${result.steps === 1 ? '' : 's'}, training loss ${result.initialScoreLoss.toFixed(3)} → ${result.scoreLoss.toFixed(3)}` +
        (same ? '' : '; typing the text tokenises differently from the ids found'),
    };
  };
  const limit = rowTokenLimit(lm);
  const longestRow = Math.max(0, ...d.validation.map((e) => e.prompt.length + e.target.length), ...d.train.map((e) => e.prompt.length + e.target.length));
  const fitsBefore = (n: number) => longestRow + n <= limit;

  for (const { id } of BASELINE_ROWS) {
    // The projected soft prompt is measured right after the soft prompt (its branch below adds that row).
    if (id === 'soft-projected') continue;
    const t0 = performance.now();
    if (stopped()) {
      finish(id, t0, { note: 'stopped before this row ran' });
      if (id === 'soft') finish('soft-projected', t0, { note: 'stopped before this row ran' });
      continue;
    }
    progress(id, `${BASELINE_ROWS.find((r) => r.id === id)!.title}: running`);
    if (id === 'template') {
      finish(id, t0, { ...scores(await evaluate(d.validation, {})), promptText: '', note: `the template alone: ${JSON.stringify(d.template)}` });
    } else if (id === 'instruction') {
      if (!req.instruction.trim()) {
        finish(id, t0, { note: 'no instruction typed' });
        continue;
      }
      const text = instructionText(req.instruction);
      const examples = withTextBefore(tok, d.template, d.validation, text, d.chatTemplate);
      const longest = Math.max(...examples.map((e) => e.prompt.length + e.target.length));
      if (longest > limit) {
        finish(id, t0, { promptText: text, note: `with the instruction the longest row has ${longest} tokens, over the ${limit} the model takes` });
        continue;
      }
      finish(id, t0, { ...scores(await evaluate(examples, {})), promptText: text, note: 'typed before the template' });
    } else if (id === 'kshot') {
      if (req.shots < 1) {
        finish(id, t0, { note: 'k = 0: skipped' });
        continue;
      }
      const ctxK = kShotContext(tok, d, req.shots, req.seed, limit);
      if (ctxK.shots === 0) {
        finish(id, t0, { note: ctxK.note });
        continue;
      }
      finish(id, t0, { ...scores(await evaluate(withTextBefore(tok, d.template, d.validation, ctxK.text, d.chatTemplate), {})), promptText: ctxK.text, note: ctxK.note });
    } else if (id === 'pez' || id === 'autoprompt') {
      const length = id === 'pez' ? req.pez.promptLength : req.autoprompt.triggerLength;
      if (!fitsBefore(length)) {
        finish(id, t0, { note: `${length} prompt tokens do not fit before the longest row (${longestRow} of ${limit} tokens)` });
        continue;
      }
      const onStep = (s: { step: number; total: number; bestLoss: number }) =>
        progress(id, `${id === 'pez' ? 'PEZ' : 'AutoPrompt'} step ${s.step}/${s.total}, best training loss ${s.bestLoss.toFixed(3)}`, s.step / s.total);
      const result = id === 'pez'
        ? await discoverPez(lm, vocab, d.train, { ...req.pez, seed: req.seed }, { onStep, shouldStop: stopped })
        : await discoverAutoPrompt(lm, vocab, d.train, { ...req.autoprompt, seed: req.seed, initIds: autoPromptStart(tok, vocab, req.autoprompt.triggerLength) }, { onStep, shouldStop: stopped });
      const report = await evaluate(d.validation, hardPromptExtras(result.ids, vocab));
      finish(id, t0, { ...scores(report), ...hardRow(result, id === 'pez' ? 'PEZ, cosine projection, AdamW' : 'AutoPrompt, triggers before the template') });
    } else if (id === 'soft' || id === 'prefix') {
      const method: MethodOptions = id === 'soft' ? METHODS.prompt.defaults : METHODS.prefix.defaults;
      if (!fitsBefore(method.virtualTokens)) {
        finish(id, t0, { note: `${method.virtualTokens} virtual tokens do not fit before the longest row` });
        if (id === 'soft') finish('soft-projected', t0, { note: 'no soft prompt to project' });
        continue;
      }
      const config: TrainConfig = {
        ...DEFAULT_TRAIN_CONFIG, method, steps: req.trainSteps, seed: req.seed, evalEvery: 0,
        learningRate: methodFor(method).learningRate, // the method's own (its card)
        warmupSteps: Math.min(DEFAULT_TRAIN_CONFIG.warmupSteps, Math.floor(req.trainSteps / 10)),
      };
      const trainer = new Trainer(lm, config, d.train);
      const outcome = await trainer.run({
        onStep: (s) => {
          progress(id, `${id === 'soft' ? 'prompt tuning' : 'prefix tuning'} step ${s.step}/${req.trainSteps}, loss ${s.loss.toFixed(3)}`, s.step / req.trainSteps);
          if (stopped()) trainer.stop();
        },
      });
      const extras = trainer.currentExtras().extras;
      const note = `${method.method === 'prompt' ? 'prompt tuning' : 'prefix tuning'}, ${method.virtualTokens} virtual tokens, ${outcome.steps} steps at lr ${config.learningRate} (${outcome.reason})`;
      finish(id, t0, { ...scores(await evaluate(d.validation, extras)), note });
      if (id === 'soft') {
        const t1 = performance.now();
        if (stopped()) {
          finish('soft-projected', t1, { note: 'stopped before this row ran' });
          continue;
        }
        progress('soft-projected', 'projecting the soft prompt to its nearest tokens');
        const ids = projectToVocabulary(extras.promptEmbeds!, vocab);
        const text = tok.decode(ids);
        finish('soft-projected', t1, {
          ...scores(await evaluate(d.validation, hardPromptExtras(ids, vocab))),
          promptText: text, tokenIds: ids, retokenizes: tok.encode(text).join(',') === ids.join(','),
          note: 'each virtual token replaced by its nearest vocabulary token (cosine): the gap to the soft prompt is what cannot be read',
        });
      }
    }
  }
  return rows;
}

/** AutoPrompt's start: " the" repeated when it is one allowed token (a neutral word), else the first allowed id. */
export function autoPromptStart(tok: TextTokenizer, vocab: Vocabulary, length: number): number[] {
  const the = tok.encode(' the');
  const id = the.length === 1 && vocab.allowed[the[0]] ? the[0] : vocab.allowed.indexOf(1);
  return Array.from({ length }, () => id);
}
