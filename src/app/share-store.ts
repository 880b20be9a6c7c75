// Sharing a workshop setup (its own small store, beside the studio's): the link "Copy share link" built last,
// and the shared link this tab opened, with whether the project it replaced is kept (persist.ts) to swap back.
import { create } from 'zustand';

export interface ShareState {
  /** The link last built, shown in a read-only field too (the clipboard may be refused), and what it carries. */
  link: { url: string; note: string; tooLarge: boolean; copied: boolean } | null;
  /** A shared link opened here: what it set, and whether the other project is kept ('previous' before a swap
   *  back, 'shared' after one). */
  opened: { message: string; kept: 'previous' | 'shared' | null } | null;
  /** A link refused whole, or values of it that were ignored (a sentence). */
  problem: string | null;
}

export const useShare = create<ShareState>()(() => ({ link: null, opened: null, problem: null }));

export function patchShare(value: Partial<ShareState>): void {
  useShare.setState(value);
}
