// The error line a panel shows under the action that failed, with the worker's own message.
export function ErrorLine({ error, testId }: { error: string | null; testId: string }) {
  if (!error) return null;
  return (
    <p className="error-line" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
