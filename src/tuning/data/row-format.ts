// How a row is built, as a Python script with transformers builds it, and the description of that recipe the
// export carries so Python can rebuild the same rows.
//
// Plain (base models): prompt_ids = tokenizer(template with the input) — the checkpoint's special tokens,
// e.g. BOS for Llama 3 and Gemma, none for GPT-2, Qwen, SmolLM2 (tokenizer.ts) — then the answer's tokens
// without special tokens (leading space by default, template.ts), then EOS for free text.
// Chat template (instruct checkpoints): the rendered template is the user turn,
// prompt = apply_chat_template([{role: user, content}], add_generation_prompt=True, tokenize=False), tokenised
// without special tokens (the template writes its own BOS, as apply_chat_template(tokenize=True) does); the
// answer is the assistant reply as it is (no leading space: it follows the turn header's newline), closed by
// the template's end-of-turn token for free text (`<|im_end|>`, `<end_of_turn>`). That is what the model sees
// at inference after the generation prompt, so training and use agree.
// Virtual tokens (soft prompt, prefix) sit before all of this, before BOS, as PEFT prepends them.
import type { TaskKind } from './labels.ts';
import { INPUT_SLOT, type TargetOptions } from './template.ts';
import type { TextTokenizer, Tokenizer } from './tokenizer.ts';

/** The studio's and the CLI's choice: on, off, or 'auto' (on for an instruct checkpoint that has a chat template). */
export type ChatTemplateSetting = boolean | 'auto';

/** Names of instruct / chat checkpoints: "...-Instruct", "gemma-3-270m-it", "...-Chat-v1.0". */
export function isInstructName(name: string): boolean {
  return /instruct|chat|(?:^|[-_/ ])it(?:$|[-_/. ])/i.test(name);
}

/** Whether rows go through the chat template, or the sentence that says why they cannot. */
export function resolveChatTemplate(setting: ChatTemplateSetting | undefined, tok: Pick<TextTokenizer, 'chat' | 'chatProblem'>, modelName: string): { on: boolean; problem: string | null } {
  if (setting === 'auto') return { on: tok.chat !== null && isInstructName(modelName), problem: null };
  if (!setting) return { on: false, problem: null };
  if (tok.chat === null) return { on: false, problem: `the chat template option cannot be used: ${tok.chatProblem ?? 'this tokenizer has no chat template'}` };
  return { on: true, problem: null };
}

/** The text the tokenizer sees for a prompt: the chat template's user turn, or the text itself. */
export function promptString(tok: TextTokenizer, text: string, chat: boolean): string {
  if (!chat) return text;
  if (!tok.chat) throw new Error(tok.chatProblem ?? 'this tokenizer has no chat template');
  return tok.chat.userTurn(text);
}

/** A prompt's ids: `tokenizer(text)`, or the chat template's user turn tokenised without adding special tokens. */
export function encodePrompt(tok: TextTokenizer, text: string, chat: boolean): number[] {
  return chat ? tok.encode(promptString(tok, text, true)) : tok.encodeWithSpecialTokens(text);
}

/** The prompt encoder of a plain tokenizer (no special-token rule): the text's tokens as they are. */
export function plainPrompt(tok: Tokenizer): (text: string) => number[] {
  return (text) => tok.encode(text);
}

/** The answer's text convention: through the chat template the reply is written as it is (no leading space). */
export function answerOptions(target: TargetOptions, chat: boolean): TargetOptions {
  return chat ? { leadingSpace: false } : target;
}

/** Tokens after a free-text answer: the end of turn through the chat template, else EOS; none for classification. */
export function answerEnd(tok: TextTokenizer, kind: TaskKind, chat: boolean): number[] {
  if (kind !== 'generation') return [];
  if (chat && tok.chat) return tok.chat.endOfTurn.ids;
  return tok.eosTokenId === null ? [] : [tok.eosTokenId];
}

/** Where generation stops: EOS, and the end of turn through the chat template. */
export function stopIds(tok: TextTokenizer, chat: boolean): number[] {
  const ids = tok.eosTokenId === null ? [] : [tok.eosTokenId];
  if (chat && tok.chat) for (const id of tok.chat.endOfTurn.ids.slice(0, 1)) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/** How a row was built, in the words and names of Python transformers (written into the export). */
export interface RowRecipe {
  task: TaskKind;
  template: string;
  chat_template: boolean;
  /** tokenizer(prompt) adds the checkpoint's special tokens (true), or not (false: through the chat template). */
  prompt_add_special_tokens: boolean;
  /** What that adds around the prompt, and the rule it comes from. */
  prompt_special_tokens: { prefix: string[]; prefix_ids: number[]; suffix: string[]; suffix_ids: number[]; rule: string };
  /** The row starts with the BOS token. */
  bos: boolean;
  bos_token: string | null;
  answer_leading_space: boolean;
  answer_add_special_tokens: false;
  /** Tokens appended after the answer: EOS (or the end of turn) for free text, none for classification. */
  answer_end: string[];
  answer_end_ids: number[];
  /** The text that is tokenised for them through the chat template (`<|im_end|>`), EOS's text otherwise; null for none. */
  answer_end_text: string | null;
  eos_appended: boolean;
  virtual_tokens: string;
  python: string;
}

const py = (s: string) => JSON.stringify(s);

export function rowRecipe(tok: TextTokenizer, opts: { kind: TaskKind; template: string; chat: boolean; target: TargetOptions }): RowRecipe {
  const { kind, template, chat } = opts;
  const target = answerOptions(opts.target, chat);
  const end = answerEnd(tok, kind, chat);
  const rule = tok.specialTokens;
  const first = encodePrompt(tok, '', chat)[0];
  const bos = tok.bosTokenId !== null && first === tok.bosTokenId;
  const answerExpr = target.leadingSpace ? '" " + output' : 'output';
  const endExpr = end.length === 0 ? '' : chat
    ? ` + tokenizer(${py(tok.chat!.endOfTurn.text)}, add_special_tokens=False)["input_ids"]`
    : ' + [tokenizer.eos_token_id]';
  const promptLines = chat
    ? [
        `text = tokenizer.apply_chat_template([{"role": "user", "content": template.replace(${py(INPUT_SLOT)}, input)}], tokenize=False, add_generation_prompt=True)`,
        'prompt_ids = tokenizer(text, add_special_tokens=False)["input_ids"]',
      ]
    : [`prompt_ids = tokenizer(template.replace(${py(INPUT_SLOT)}, input))["input_ids"]  # add_special_tokens=True`];
  return {
    task: kind,
    template,
    chat_template: chat,
    prompt_add_special_tokens: !chat,
    prompt_special_tokens: chat
      ? { prefix: [], prefix_ids: [], suffix: [], suffix_ids: [], rule: 'none added: the chat template writes its own special tokens' }
      : { prefix: rule.prefix.map((i) => tok.tokenText(i)), prefix_ids: rule.prefix, suffix: rule.suffix.map((i) => tok.tokenText(i)), suffix_ids: rule.suffix, rule: rule.source },
    bos,
    bos_token: tok.bosTokenId === null ? null : tok.tokenText(tok.bosTokenId),
    answer_leading_space: target.leadingSpace,
    answer_add_special_tokens: false,
    answer_end: end.map((i) => tok.tokenText(i)),
    answer_end_ids: end,
    answer_end_text: end.length === 0 ? null : chat ? tok.chat!.endOfTurn.text : tok.tokenText(end[0]),
    eos_appended: end.length > 0,
    virtual_tokens: 'before the row (before BOS), as PEFT prepends them',
    python: [
      `template = ${py(template)}`,
      'output = output.strip()',
      ...promptLines,
      `answer_ids = tokenizer(${answerExpr}, add_special_tokens=False)["input_ids"]${endExpr}`,
      'input_ids = prompt_ids + answer_ids',
      'labels = [-100] * len(prompt_ids) + answer_ids',
    ].join('\n'),
  };
}
