// The export's `continue-in-peft/` folder: what it takes to go on training the studio's prompt in Python with
// transformers + PEFT + accelerate, on one GPU or many, once the browser is outgrown:
//   train.py           the script (continue-in-peft/train.py beside this module, a plain Python file)
//   requirements.txt   pinned torch, transformers, peft, accelerate, safetensors (+ the free-text metrics)
//   README.md          the two commands
//   data.jsonl         the table: {input, output, split} per row, training rows first, each split in file order
//   studio.json        the model (Hub id and revision), adapter_config.json's fields, the hyper-parameters, how a
//                      row is built (data/row-format.ts) with the first rows' ids to check against, the labels
//   start.safetensors  the run's own parameters under the names of PEFT's prompt encoder: PEFT saves only the
//                      encoder's output (prompt_embeddings), so a P-tuning encoder or a projected prefix cannot be
//                      resumed from the adapter alone; train.py loads these into `prompt_encoder["default"]`.
// The Python source is a real .py file. Vite (the app, its worker, Vitest, the command line's harness page)
// inlines it with `?raw` (typed by vite/client); plain Node (tsx) reads it from disk beside this module.
import { strToU8 } from 'fflate';
import { writeSafetensors } from '../../engine/io/safetensors.ts';
import type { Tensor } from '../../engine/model/weights.ts';
import type { EncodedExample } from '../data/encoded.ts';
import type { TaskKind } from '../data/labels.ts';
import type { RowRecipe } from '../data/row-format.ts';
import type { TrainConfig } from '../train-config.ts';
import type { PeftConfig } from './peft-config.ts';

export const CONTINUE_DIR = 'continue-in-peft';
export const CONTINUE_FILES = ['README.md', 'train.py', 'requirements.txt', 'data.jsonl', 'studio.json', 'start.safetensors'] as const;
export const STUDIO_JSON_FORMAT = 'soft-prompt-studio-continue-in-peft/1';
/** Rows whose token ids travel in studio.json, for train.py to check its own rows against. */
const ROWS_TO_CHECK = 4;

/** The two plain files of the folder, as they are in the repository. */
export interface ContinueInPeftSources {
  trainPy: string;
  requirements: string;
}

export async function loadContinueInPeftSources(): Promise<ContinueInPeftSources> {
  if ((import.meta as { env?: unknown }).env) {
    const [trainPy, requirements] = await Promise.all([import('./continue-in-peft/train.py?raw'), import('./continue-in-peft/requirements.txt?raw')]);
    return { trainPy: trainPy.default, requirements: requirements.default };
  }
  // Plain Node (tsx): no bundler to inline the files. A computed specifier keeps bundlers and the app's types off it.
  const fsModule = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsModule)) as { readFile(path: URL, encoding: 'utf8'): Promise<string> };
  const read = (name: string) => fs.readFile(new URL(`./continue-in-peft/${name}`, import.meta.url), 'utf8');
  const [trainPy, requirements] = await Promise.all([read('train.py'), read('requirements.txt')]);
  return { trainPy, requirements };
}

/** What the folder is built from: the session's model, run and prepared data. */
export interface ContinueInPeftInput {
  /** The model's label in the studio: `owner/name@revision` for a Hub model (engine/io/model-files.ts). */
  modelLabel: string;
  peftConfig: PeftConfig;
  /** The run's trainable parameters (prompt_embeddings, or the encoder's tensors under PEFT's names). */
  params: Record<string, Tensor>;
  config: Pick<TrainConfig, 'learningRate' | 'weightDecay' | 'beta1' | 'beta2' | 'warmupSteps' | 'schedule' | 'clipNorm' | 'batchSize' | 'steps' | 'evalEvery' | 'seed' | 'promptDropout'>;
  trainedSteps: number;
  data: {
    kind: TaskKind;
    labels: { names: string[]; tokens: number[][] };
    train: readonly EncodedExample[];
    validation: readonly EncodedExample[];
    recipe: RowRecipe;
    stopIds: number[];
  };
}

/** `owner/name@revision` (how the studio names a Hub model) → its id and revision; null for anything else. */
export function hubSource(label: string): { hubId: string; revision: string } | null {
  const m = /^([\w.-]+\/[\w.-]+)@(\S+)$/.exec(label.trim());
  return m ? { hubId: m[1], revision: m[2] } : null;
}

/** The table as JSON lines, training rows first: what the studio trained and validated on, with the split. */
export function dataJsonl(train: readonly Pick<EncodedExample, 'input' | 'output'>[], validation: readonly Pick<EncodedExample, 'input' | 'output'>[]): string {
  const line = (e: Pick<EncodedExample, 'input' | 'output'>, split: 'train' | 'validation') => JSON.stringify({ input: e.input, output: e.output, split });
  return [...train.map((e) => line(e, 'train')), ...validation.map((e) => line(e, 'validation'))].map((l) => `${l}\n`).join('');
}

/** The run's parameters under PEFT's prompt-encoder names: prompt tuning's table is PromptEmbedding's
 *  `embedding.weight`; prefix tuning (embedding, transform.*) and P-tuning (embedding, lstm_head.*, mlp_head.*)
 *  already use PEFT's names. */
export function startTensors(params: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(params).map(([name, t]) => [name === 'prompt_embeddings' ? 'embedding.weight' : name, t]));
}

export function studioJson(input: ContinueInPeftInput): object {
  const { data, config: c } = input;
  const hub = hubSource(input.modelLabel);
  const check = [...data.train.slice(0, ROWS_TO_CHECK - 1), ...data.validation.slice(0, 1)];
  return {
    format: STUDIO_JSON_FORMAT,
    model: { label: input.modelLabel, hub_id: hub?.hubId ?? null, revision: hub?.revision ?? null },
    peft_config: input.peftConfig,
    train: {
      learning_rate: c.learningRate,
      weight_decay: c.weightDecay,
      beta1: c.beta1,
      beta2: c.beta2,
      warmup_steps: c.warmupSteps,
      schedule: c.schedule,
      clip_norm: c.clipNorm,
      batch_size: c.batchSize,
      steps: c.steps,
      eval_every: c.evalEvery,
      seed: c.seed,
      prompt_dropout: c.promptDropout,
    },
    trained_steps: input.trainedSteps,
    rows: data.recipe,
    labels: data.kind === 'classification' ? data.labels.names.map((name, i) => ({ name, ids: data.labels.tokens[i] })) : [],
    stop_ids: data.stopIds,
    row_check: check.map((e) => ({ input: e.input, output: e.output, prompt_ids: e.prompt, target_ids: e.target })),
  };
}

function readme(input: ContinueInPeftInput): string {
  const hub = hubSource(input.modelLabel);
  const P = input.peftConfig.num_virtual_tokens;
  const where = hub
    ? `It loads \`${hub.hubId}\` at revision \`${hub.revision}\` from the Hugging Face Hub.`
    : `The studio loaded "${input.modelLabel}", which is not a Hub model: add \`--model DIR\` with its checkpoint folder (config.json, the safetensors weights, tokenizer.json, tokenizer_config.json) to the launch command${/^demo\b/.test(input.modelLabel) ? ' (the demo model is `public/models/demo` in the studio\'s repository)' : ''}.`;
  return `# Continue this prompt in Python (transformers + PEFT + accelerate)

A ${input.peftConfig.peft_type} prompt with ${P} virtual tokens, trained ${input.trainedSteps} steps in Soft Prompt Studio. ${where}

\`\`\`sh
pip install -r requirements.txt
accelerate launch train.py
\`\`\`

The same command runs on one GPU or many: with several GPUs, run \`accelerate config\` once (or add
\`--num_processes N\`); each GPU takes \`--batch-size\` rows per step, so the global batch grows with the GPUs.
\`python train.py --help\` lists the options (steps, learning rate, batch size, schedule, \`--dtype bfloat16\` for
large models, \`--eval-limit\`, \`--out\`); their defaults are the studio run's.

What train.py does:
- builds every row of \`data.jsonl\` as the studio did (\`studio.json\` → \`rows\`: the template, the checkpoint's
  special tokens, the answer's leading space, EOS or the end of turn) and stops with a sentence if its rows differ
  from the ids the studio recorded (another tokenizer or revision);
- starts from the studio's prompt: PEFT cannot resume a prompt adapter by itself (it saves only the encoder's
  output), so the encoder's own weights come from \`start.safetensors\` into PEFT's prompt encoder, and are checked
  to reproduce \`../adapter_model.safetensors\`;
- evaluates the start and the result with the studio's metric (rank classification: accuracy and macro-F1; free
  text: greedy generation, exact match, token F1, ROUGE-L, chrF) on the validation rows;
- saves a PEFT adapter to \`adapter/\` (\`PeftModel.from_pretrained(model, "adapter")\`; the studio imports it too),
  with \`metrics.json\`.

The optimiser starts fresh (AdamW with the studio's settings); rows are trained in data parallel (each GPU holds
the frozen model), so a model must fit on one GPU (\`--dtype bfloat16\` halves it).
`;
}

/** The folder's files, keyed by their path in the export zip (`continue-in-peft/<name>`). */
export function continueInPeftFiles(input: ContinueInPeftInput, sources: ContinueInPeftSources): Record<string, Uint8Array> {
  const files: Record<(typeof CONTINUE_FILES)[number], Uint8Array> = {
    'README.md': strToU8(readme(input)),
    'train.py': strToU8(sources.trainPy),
    'requirements.txt': strToU8(sources.requirements),
    'data.jsonl': strToU8(dataJsonl(input.data.train, input.data.validation)),
    'studio.json': strToU8(`${JSON.stringify(studioJson(input), null, 2)}\n`),
    'start.safetensors': writeSafetensors(startTensors(input.params), { producer: STUDIO_JSON_FORMAT }),
  };
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [`${CONTINUE_DIR}/${name}`, bytes]));
}
