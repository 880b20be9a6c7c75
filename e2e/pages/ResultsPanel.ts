// Results panel: baseline vs tuned metrics, examples, playground, nearest tokens.
import type { Locator, Page } from '@playwright/test';

export class ResultsPanel {
  readonly evaluate: Locator;
  readonly gain: Locator; // the headline: "untuned 49% → tuned 100% on 80 validation examples"
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
  readonly changedOnly: Locator;
  readonly exampleRows: Locator;
  readonly cvStart: Locator;
  readonly cvStop: Locator;
  readonly cvProgress: Locator;
  readonly cvRuns: Locator;
  readonly cvSummary: Locator;
  readonly cvDone: Locator;

  constructor(private readonly page: Page) {
    this.evaluate = page.getByTestId('results.evaluate');
    this.gain = page.getByTestId('results.gain');
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
    this.changedOnly = page.getByTestId('results.changed-only');
    this.exampleRows = page.getByTestId('results.example');
    this.cvStart = page.getByTestId('cv.start');
    this.cvStop = page.getByTestId('cv.stop');
    this.cvProgress = page.getByTestId('cv.progress');
    this.cvRuns = page.getByTestId('cv.runs');
    this.cvSummary = page.getByTestId('cv.summary');
    this.cvDone = page.getByTestId('cv.done');
  }

  /** A free-text metric of one side as the page rendered it from (data-value): token_f1, rouge_l, chrf. */
  async textMetric(side: 'baseline' | 'tuned', metric: 'token_f1' | 'rouge_l' | 'chrf'): Promise<number> {
    return Number(await this.page.getByTestId(`results.${side}-${metric}`).getAttribute('data-value'));
  }

  /** A cross-validation summary cell: mean, std and the values behind them. */
  async cvCell(side: 'baseline' | 'instruction' | 'tuned', metric: string): Promise<{ mean: number; std: number; values: number[] }> {
    const cell = this.page.getByTestId(`cv.${side}-${metric}`);
    const values = ((await cell.getAttribute('data-values')) ?? '').split(',').filter((v) => v !== '').map(Number);
    return { mean: Number(await cell.getAttribute('data-mean')), std: Number(await cell.getAttribute('data-std')), values };
  }

  async setCv(field: 'folds' | 'seeds', value: number): Promise<void> {
    await this.page.getByTestId(`cv.${field}`).fill(String(value));
  }

  /** An accuracy as the number the page rendered it from (data-value), 0..1. */
  async accuracy(side: 'baseline' | 'tuned'): Promise<number> {
    const v = await (side === 'baseline' ? this.baselineAccuracy : this.tunedAccuracy).getAttribute('data-value');
    return Number(v);
  }
}
