// Accessibility checks shared by the specs: axe-core's serious and critical violations, each as one readable line
// (rule, impact, how many nodes, the first node's selector and axe's summary), so a failure says what to fix.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

// The data table's rows are built alike (a textarea, an input, a button each): axe checks the first five. All 240
// rows of a sample made each full-page check take 78 s on this shared 2-core machine, the first five 8 s.
const REPEATED_ROWS = '[data-testid="data.table"] tbody tr:nth-child(n+6)';

/** Axe's serious and critical violations on the page, or only inside `include` (a CSS selector: one step). */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  // Legacy mode runs axe in the page itself: the default finishes the run in a second, blank page, which waited past
  // the test's timeout while a run trained on this loaded machine (no iframes here, so nothing is lost).
  const axe = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).exclude(REPEATED_ROWS).setLegacyMode(true);
  const results = await (include ? axe.include(include) : axe).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes), e.g. ${v.nodes[0]?.target.join(' ')}: ${v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ') ?? v.help}`);
}

/** Whether the page scrolls sideways (the document wider than the window). */
export function scrollsSideways(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
}

/** One keyboard stop: what is focused (test id, else its label or text) and whether its focus can be seen (an
 *  outline of at least 2 px on it, or on its label when the control itself is hidden, as a segmented radio). */
export interface FocusStop {
  name: string;
  visible: boolean;
}

export function focusedStop(page: Page): Promise<FocusStop | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const name = el.dataset.testid ?? el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 40);
    const shown = getComputedStyle(el).opacity === '0' ? (el.closest('label') ?? el) : el;
    const style = getComputedStyle(shown);
    return { name, visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
  });
}
