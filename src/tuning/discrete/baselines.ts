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

/** What a row reports besides its id, title and time: scores, the prompt's text and ids, and a note. */
type RowOutcome = Partial<Omit<BaselineRow, 'id' | 'title' | 'seconds'>> & { note: string };

/** What a row kind runs with. */
interface RowRun {
  ctx: BaselineContext;
  req: BaselineRequest;
  limit: number; // tokens a row may have
  longestRow: number; // the longest training or validation row, in tokens
  evaluate(examples: EncodedExample[], extras: ExtraInputs): Promise<EvaluationReport>;
  /** Progress within this row (0..1), with a message. */
  progress(message: string, within?: number): void;
  stopped(): boolean;
  /** What an earlier row leaves for a later one: the trained soft prompt, for its projection. */
  shared: { softPrompt?: Float32Array };
}

const scores = (r: EvaluationReport) => ({ accuracy: r.accuracy, macroF1: r.macroF1, text: r.text, validationLoss: r.validationLoss });
const fitsBefore = (r: RowRun, n: number) => r.longestRow + n <= r.limit;

/** A discovered hard prompt's row: its text (the ids decoded), and whether typing that text gives the same ids. */
function hardRow(tok: TextTokenizer, ids: number[], note: string): RowOutcome {
  const text = tok.decode(ids);
  const same = tok.encode(text).join(',') === ids.join(',');
  return { promptText: text, tokenIds: ids, retokenizes: same, note: note + (same ? '' : '; typing the text tokenises differently from the ids found') };
}

async function discoveredRow(r: RowRun, kind: 'pez' | 'autoprompt'): Promise<RowOutcome> {
  const { ctx, req } = r;
  const length = kind === 'pez' ? req.pez.promptLength : req.autoprompt.triggerLength;
  if (!fitsBefore(r, length)) return { note: `${length} prompt tokens do not fit before the longest row (${r.longestRow} of ${r.limit} tokens)` };
  const name = kind === 'pez' ? 'PEZ' : 'AutoPrompt';
  const onStep = (s: { step: number; total: number; bestLoss: number }) => r.progress(`${name} step ${s.step}/${s.total}, best training loss ${s.bestLoss.toFixed(3)}`, s.step / s.total);
  const hooks = { onStep, shouldStop: () => r.stopped() };
  const result: HardPromptResult =
    kind === 'pez'
      ? await discoverPez(ctx.lm, ctx.vocab, ctx.dataset.train, { ...req.pez, seed: req.seed }, hooks)
      : await discoverAutoPrompt(ctx.lm, ctx.vocab, ctx.dataset.train, { ...req.autoprompt, seed: req.seed, initIds: autoPromptStart(ctx.tok, ctx.vocab, req.autoprompt.triggerLength) }, hooks);
  const report = await r.evaluate(ctx.dataset.validation, hardPromptExtras(result.ids, ctx.vocab));
  const how = kind === 'pez' ? 'PEZ, cosine projection, AdamW' : 'AutoPrompt, triggers before the template';
  const note = `${how}: ${result.steps} step${result.steps === 1 ? '' : 's'}, training loss ${result.initialScoreLoss.toFixed(3)} → ${result.scoreLoss.toFixed(3)}`;
  return { ...scores(report), ...hardRow(ctx.tok, result.ids, note) };
}

/** A trained row: the method's defaults and learning rate (its card), `req.trainSteps` steps on the training split. */
async function trainedRow(r: RowRun, name: 'prompt' | 'prefix'): Promise<RowOutcome> {
  const { ctx, req } = r;
  const method: MethodOptions = METHODS[name].defaults;
  if (!fitsBefore(r, method.virtualTokens)) return { note: `${method.virtualTokens} virtual tokens do not fit before the longest row` };
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG, method, steps: req.trainSteps, seed: req.seed, evalEvery: 0,
    learningRate: methodFor(method).learningRate, // the method's own (its card)
    warmupSteps: Math.min(DEFAULT_TRAIN_CONFIG.warmupSteps, Math.floor(req.trainSteps / 10)),
  };
  const title = name === 'prompt' ? 'prompt tuning' : 'prefix tuning';
  const trainer = new Trainer(ctx.lm, config, ctx.dataset.train);
  const outcome = await trainer.run({
    onStep: (s) => {
      r.progress(`${title} step ${s.step}/${req.trainSteps}, loss ${s.loss.toFixed(3)}`, s.step / req.trainSteps);
      if (r.stopped()) trainer.stop();
    },
  });
  const extras = trainer.currentExtras().extras;
  if (name === 'prompt') r.shared.softPrompt = extras.promptEmbeds;
  const note = `${title}, ${method.virtualTokens} virtual tokens, ${outcome.steps} steps at lr ${config.learningRate} (${outcome.reason})`;
  return { ...scores(await r.evaluate(ctx.dataset.validation, extras)), note };
}

/** Each row kind, in one place: what it runs and what it reports. Rows run in BASELINE_ROWS order. */
const ROW_KINDS: { [K in BaselineRowId]: (r: RowRun) => Promise<RowOutcome> } = {
  template: async (r) => {
    const d = r.ctx.dataset;
    return { ...scores(await r.evaluate(d.validation, {})), promptText: '', note: `the template alone: ${JSON.stringify(d.template)}` };
  },
  instruction: async (r) => {
    const { tok, dataset: d } = r.ctx;
    if (!r.req.instruction.trim()) return { note: 'no instruction typed' };
    const text = instructionText(r.req.instruction);
    const examples = withTextBefore(tok, d.template, d.validation, text, d.chatTemplate);
    const longest = Math.max(...examples.map((e) => e.prompt.length + e.target.length));
    if (longest > r.limit) return { promptText: text, note: `with the instruction the longest row has ${longest} tokens, over the ${r.limit} the model takes` };
    return { ...scores(await r.evaluate(examples, {})), promptText: text, note: 'typed before the template' };
  },
  kshot: async (r) => {
    const { tok, dataset: d } = r.ctx;
    if (r.req.shots < 1) return { note: 'k = 0: skipped' };
    const k = kShotContext(tok, d, r.req.shots, r.req.seed, r.limit);
    if (k.shots === 0) return { note: k.note };
    return { ...scores(await r.evaluate(withTextBefore(tok, d.template, d.validation, k.text, d.chatTemplate), {})), promptText: k.text, note: k.note };
  },
  pez: (r) => discoveredRow(r, 'pez'),
  autoprompt: (r) => discoveredRow(r, 'autoprompt'),
  soft: (r) => trainedRow(r, 'prompt'),
  'soft-projected': async (r) => {
    const soft = r.shared.softPrompt;
    if (!soft) return { note: 'no soft prompt to project' };
    r.progress('projecting the soft prompt to its nearest tokens');
    const ids = projectToVocabulary(soft, r.ctx.vocab);
    const report = await r.evaluate(r.ctx.dataset.validation, hardPromptExtras(ids, r.ctx.vocab));
    const note = 'each virtual token replaced by its nearest vocabulary token (cosine): the gap to the soft prompt is what cannot be read';
    return { ...scores(report), ...hardRow(r.ctx.tok, ids, note), note };
  },
  prefix: (r) => trainedRow(r, 'prefix'),
};

export async function compareBaselines(ctx: BaselineContext, req: BaselineRequest, hooks: BaselineHooks = {}): Promise<BaselineRow[]> {
  const d = ctx.dataset;
  if (d.validation.length === 0) throw new Error('there are no validation examples to compare on');
  const rows: BaselineRow[] = [];
  const stopped = () => hooks.shouldStop?.() ?? false;
  const longestRow = Math.max(0, ...[...d.validation, ...d.train].map((e) => e.prompt.length + e.target.length));
  const shared: RowRun['shared'] = {};
  for (const { id, title } of BASELINE_ROWS) {
    const t0 = performance.now();
    const run: RowRun = {
      ctx, req, limit: rowTokenLimit(ctx.lm), longestRow, shared, stopped,
      evaluate: (examples, extras) => evaluateExamples(ctx, examples, extras),
      progress: (message, within = 0) => hooks.onProgress?.({ row: id, message, fraction: Math.min(1, (rows.length + within) / BASELINE_ROWS.length) }),
    };
    let outcome: RowOutcome;
    if (stopped()) outcome = { note: 'stopped before this row ran' };
    else {
      run.progress(`${title}: running`);
      outcome = await ROW_KINDS[id](run);
    }
    const row: BaselineRow = {
      id, title,
      accuracy: null, macroF1: null, text: null, validationLoss: null, promptText: null, tokenIds: null, retokenizes: null,
      ...outcome, seconds: (performance.now() - t0) / 1000,
    };
    rows.push(row);
    hooks.onRow?.(row);
  }
  return rows;
}

/** AutoPrompt's start: " the" repeated when it is one allowed token (a neutral word), else the first allowed id. */
export function autoPromptStart(tok: TextTokenizer, vocab: Vocabulary, length: number): number[] {
  const the = tok.encode(' the');
  const id = the.length === 1 && vocab.allowed[the[0]] ? the[0] : vocab.allowed.indexOf(1);
  return Array.from({ length }, () => id);
}
