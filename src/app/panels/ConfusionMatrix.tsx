// A confusion matrix, rows = true label, columns = predicted; the diagonal (correct) is tinted.
export function ConfusionMatrix({ labels, matrix, testId }: { labels: string[]; matrix: number[][]; testId: string }) {
  const max = Math.max(1, ...matrix.flat());
  return (
    <table className="confusion" data-testid={testId}>
      <thead>
        <tr>
          <th className="corner">true ↓ / predicted →</th>
          {labels.map((l) => (
            <th key={l}>{l}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, i) => (
          <tr key={labels[i] ?? i}>
            <th>{labels[i]}</th>
            {row.map((n, j) => (
              <td
                key={j}
                className={i === j ? 'diag' : undefined}
                style={{ ['--shade' as string]: (n / max).toFixed(3) }}
              >
                {n}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
