// What each virtual token is "near": the vocabulary tokens with the highest cosine similarity to it.
import { inspect } from '../actions/results.ts';
import { useStudio } from '../store.ts';

export function NearestTokensView({ disabled }: { disabled: boolean }) {
  const nearest = useStudio((s) => s.results.nearest);
  const inspecting = useStudio((s) => s.results.inspecting);
  return (
    <div className="nearest">
      <h3>Nearest tokens</h3>
      <button type="button" data-testid="nearest.inspect" disabled={disabled || inspecting} onClick={() => void inspect(5)}>
        {inspecting ? 'Looking…' : 'Show the nearest tokens of each virtual token'}
      </button>
      {nearest && (
        <ol className="nearest-list" data-testid="nearest.list" start={0}>
          {nearest.map((n) => (
            <li key={n.virtualToken}>
              {n.tokens.map((t) => (
                <span key={t.id} className="chip" title={`id ${t.id} · cosine ${t.cosine.toFixed(3)}`}>
                  {JSON.stringify(t.text).slice(1, -1)} <small>{t.cosine.toFixed(2)}</small>
                </span>
              ))}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
