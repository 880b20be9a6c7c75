// "Copy share link": one link that opens a workshop participant's studio with this setup and data, ready to train.
// The link is also shown in a field (the clipboard may be refused), with what it carries — or why the table is not
// in it.
import { copyShareLink } from '../actions/share.ts';
import { useShare } from '../share-store.ts';

export function ShareLink() {
  const link = useShare((s) => s.link);
  return (
    <div className="share-link">
      <button type="button" data-testid="share.copy" onClick={() => void copyShareLink()} title="A link that opens this setup and data in another browser, ready to train">
        Copy share link
      </button>
      {link && (
        <div className="share-result" role="status" data-testid="share.result" data-too-large={link.tooLarge}>
          <label className="field">
            <span>{link.copied ? 'Copied to the clipboard:' : 'The clipboard was not available; copy the link from here:'}</span>
            <input readOnly value={link.url} data-testid="share.url" onFocus={(e) => e.target.select()} />
          </label>
          <p className={link.tooLarge ? 'warn' : 'hint'} data-testid="share.note">
            {link.note}
          </p>
        </div>
      )}
    </div>
  );
}
