// The known-good Hub checkpoints (the worker sizes them against this device): size, memory need, whether they fit.
// Picking one fills the Hub id field; free typing of any other id stays next to it.
import { useEffect, useState } from 'react';
import type { CheckpointChoice } from '../../worker/protocol.ts';
import { studio } from '../connect.ts';
import { formatBytes, formatCount } from '../format.ts';

export function KnownCheckpoints({ ready, selected, onPick }: { ready: boolean; selected: string; onPick: (id: string) => void }) {
  const [choices, setChoices] = useState<CheckpointChoice[] | null>(null);
  useEffect(() => {
    if (!ready) return;
    let live = true;
    studio.knownCheckpoints().then(
      (c) => live && setChoices(c),
      () => live && setChoices([]),
    );
    return () => {
      live = false;
    };
  }, [ready]);
  if (!choices || choices.length === 0) return null;
  return (
    <fieldset className="known-checkpoints" data-testid="model.known">
      <legend>Known-good checkpoints</legend>
      <table>
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">parameters</th>
            <th scope="col">download</th>
            <th scope="col">GPU memory</th>
            <th scope="col">this device</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {choices.map((c) => (
            <tr key={c.id} data-testid="model.known-row" data-id={c.id} data-fits={c.fits} aria-selected={selected === c.id}>
              <th scope="row" title={c.note}>
                {c.id}
              </th>
              <td>{formatCount(c.parameters)}</td>
              <td>{formatBytes(c.downloadBytes)}</td>
              <td>{formatBytes(c.memoryBytes)}</td>
              <td>{c.fits ? 'fits' : `too large: ${c.limit}`}</td>
              <td>
                <button type="button" className="secondary" aria-label={`Use ${c.id}`} data-testid="model.known-pick" onClick={() => onPick(c.id)}>
                  Use
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}
