// Kept runs (IndexedDB): each with its outcome and tuned accuracy; tick a run to overlay its loss curve.
import { loadRunCheckpoint } from '../actions/train.ts';
import { percent } from '../format.ts';
import { deleteCheckpoint } from '../persist.ts';
import { updateRun, useStudio } from '../store.ts';

export function RunList() {
  const runs = useStudio((s) => s.runs);
  const activeId = useStudio((s) => s.train.runId);
  const busy = useStudio((s) => s.train.phase === 'training' || s.train.phase === 'paused' || s.train.phase === 'evaluating');
  if (runs.length === 0) return null;
  return (
    <div className="runs">
      <h3>Runs</h3>
      <ul data-testid="runs.list" data-count={runs.length}>
        {[...runs].reverse().map((r) => (
          <li key={r.id} className={r.id === activeId ? 'active' : undefined} data-testid={`runs.item-${r.id}`}>
            <label>
              <input
                type="checkbox"
                data-testid={`runs.overlay-${r.id}`}
                checked={r.overlay}
                disabled={r.id === activeId}
                onChange={(e) => updateRun(r.id, { overlay: e.target.checked })}
              />
              <span className="run-name">{r.name}</span>
            </label>
            <span className="run-meta">
              {r.outcome ? `${r.outcome.phase} · ${r.outcome.steps} steps` : r.id === activeId ? 'running' : 'interrupted'}
              {r.report?.tuned ? ` · acc ${percent(r.report.tuned.accuracy)}` : ''}
            </span>
            {r.hasCheckpoint && r.id !== activeId && (
              <button type="button" className="small" data-testid={`runs.load-${r.id}`} disabled={busy} onClick={() => void loadRunCheckpoint(r.id)}>
                use prompt
              </button>
            )}
            <button
              type="button"
              className="icon"
              aria-label={`delete ${r.name}`}
              data-testid={`runs.delete-${r.id}`}
              disabled={busy && r.id === activeId}
              onClick={() => {
                useStudio.setState((s) => ({ runs: s.runs.filter((x) => x.id !== r.id) }));
                void deleteCheckpoint(r.id);
              }}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
