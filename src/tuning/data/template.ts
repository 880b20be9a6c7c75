// Prompt templates such as "Review: {input}\nSentiment:". The rendered template is the prompt; the model's
// continuation is the answer, so the template never contains the output.
//
// Whitespace convention (what the answer tokens are): GPT-2, Llama-3, SmolLM and Qwen BPE tokenizers fold a
// word's leading space into the word's token (" positive" is one token, "positive" another, rarer one), and a
// template like "Sentiment:" ends without a space. So the scored target text is " " + output, unless the
// output already starts with whitespace (then it is used as it is) or the caller turns the space off (for
// templates that end with a space or a newline, or tokenizers without that convention). The demo model's
// byte-level BPE follows the convention: " alpha" is one token.

export const INPUT_SLOT = '{input}';

export interface TargetOptions {
  /** Prefix the answer with one space (default true: the GPT-2 / Llama BPE convention). */
  leadingSpace: boolean;
}

export const DEFAULT_TARGET_OPTIONS: TargetOptions = { leadingSpace: true };

/** A sentence saying what is wrong with the template, or null when it is usable. */
export function checkTemplate(template: string): string | null {
  const n = template.split(INPUT_SLOT).length - 1;
  if (n === 0) return `the template must contain ${INPUT_SLOT} where each example goes, e.g. "Review: {input}\\nSentiment:"`;
  if (n > 1) return `the template contains ${INPUT_SLOT} ${n} times; use it exactly once`;
  return null;
}

/** The prompt for one input. Throws on an invalid template (callers check it first to show the sentence). */
export function renderTemplate(template: string, input: string): string {
  const problem = checkTemplate(template);
  if (problem) throw new Error(problem);
  // split/join instead of String.replace: `$&` or `$1` in the user's input must stay literal.
  const [before, after] = template.split(INPUT_SLOT);
  return before + input + after;
}

/** The answer text the model is trained to continue the prompt with (see the convention above). */
export function targetText(output: string, options: TargetOptions = DEFAULT_TARGET_OPTIONS): string {
  if (!options.leadingSpace || /^\s/.test(output)) return output;
  return ` ${output}`;
}
