// Prompt templates such as "Review: {input}\nSentiment:". The model continues the rendered template with the
// answer; following the GPT-2/Llama BPE convention the answer is scored as " " + output (a leading space),
// unless it already starts with whitespace. Word-level tokenizers (the demo model's) drop that space anyway.

export function checkTemplate(template: string): string | null {
  const n = template.split('{input}').length - 1;
  if (n === 0) return 'the template must contain {input} where each example goes, e.g. "Review: {input}\\nSentiment:"';
  if (n > 1) return `the template contains {input} ${n} times; use it exactly once`;
  return null;
}

export function renderTemplate(template: string, input: string): string {
  return template.replace('{input}', input);
}

export function targetText(output: string): string {
  return /^\s/.test(output) ? output : ` ${output}`;
}
