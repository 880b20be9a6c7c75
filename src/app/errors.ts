// Worker errors arrive as thrown Errors whose message starts with `[code]` (protocol.ts); show them as they are.
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** A message without the "line N: " the parser starts it with (the list prints its own place). */
export function withoutLinePrefix(message: string, line: number): string {
  const prefix = `line ${line}: `;
  return line > 0 && message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
