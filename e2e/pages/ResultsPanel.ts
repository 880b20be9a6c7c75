// Results panel: baseline vs tuned metrics, examples, playground, nearest tokens.
import type { Locator, Page } from '@playwright/test';

export class ResultsPanel {
  readonly evaluate: Locator;
  readonly baselineAccuracy: Locator;
  readonly tunedAccuracy: Locator;
  readonly examples: Locator;
  readonly error: Locator;
  readonly playInput: Locator;
  readonly generate: Locator;
  readonly base: Locator;
  readonly tuned: Locator;
  readonly inspect: Locator;
  readonly nearest: Locator;

  constructor(page: Page) {
    this.evaluate = page.getByTestId('results.evaluate');
    this.baselineAccuracy = page.getByTestId('results.baseline-accuracy');
    this.tunedAccuracy = page.getByTestId('results.tuned-accuracy');
    this.examples = page.getByTestId('results.examples');
    this.error = page.getByTestId('results.error');
    this.playInput = page.getByTestId('play.input');
    this.generate = page.getByTestId('play.generate');
    this.base = page.getByTestId('play.base');
    this.tuned = page.getByTestId('play.tuned');
    this.inspect = page.getByTestId('nearest.inspect');
    this.nearest = page.getByTestId('nearest.list');
  }

  /** An accuracy as the number the page rendered it from (data-value), 0..1. */
  async accuracy(side: 'baseline' | 'tuned'): Promise<number> {
    const v = await (side === 'baseline' ? this.baselineAccuracy : this.tunedAccuracy).getAttribute('data-value');
    return Number(v);
  }
}
