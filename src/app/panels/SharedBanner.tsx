// What a shared link did when it opened: the setup and data it brought, the user's own project kept aside with a
// button to swap back (and forth), or why the link was refused. Never red for a link that opened: nothing failed.
import { dismissShared, swapKeptProject } from '../actions/share.ts';
import { patchShare, useShare } from '../share-store.ts';

export function SharedBanner() {
  const opened = useShare((s) => s.opened);
  const problem = useShare((s) => s.problem);
  if (!opened && !problem) return null;
  return (
    <div className="banner-share" role="status" data-testid="share.banner">
      {opened && (
        <p data-testid="share.opened" data-kept={opened.kept ?? 'none'}>
          {opened.message}{' '}
          {opened.kept && (
            <button type="button" data-testid="share.swap" onClick={() => void swapKeptProject()}>
              {opened.kept === 'previous' ? 'Undo: back to my table' : 'Back to the shared setup'}
            </button>
          )}{' '}
          <button type="button" data-testid="share.dismiss" onClick={() => void dismissShared()}>
            {opened.kept === 'previous' ? 'Keep the shared setup (forget mine)' : opened.kept === 'shared' ? 'Keep mine (forget the shared one)' : 'OK'}
          </button>
        </p>
      )}
      {problem && (
        <p className="warn" data-testid="share.problem">
          {problem}{' '}
          <button type="button" className="small" onClick={() => patchShare({ problem: null })}>
            OK
          </button>
        </p>
      )}
    </div>
  );
}
