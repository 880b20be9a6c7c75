// Worker errors arrive as thrown Errors whose message starts with `[code]` (protocol.ts); show them as they are.
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
