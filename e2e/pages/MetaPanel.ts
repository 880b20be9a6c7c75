// Meta-learning panel: tasks, algorithm, meta-training, saved starts, the start comparison.
import type { Download, Locator, Page } from '@playwright/test';

export class MetaPanel {
  readonly algorithm: Locator;
  readonly steps: Locator;
  readonly innerSteps: Locator;
  readonly batch: Locator;
  readonly compareUpTo: Locator;
  readonly train: Locator;
  readonly inits: Locator;
  readonly upload: Locator;
  readonly chart: Locator;
  readonly verdict: Locator;
  readonly error: Locator;

  constructor(private readonly page: Page) {
    this.algorithm = page.getByTestId('meta.algorithm');
    this.steps = page.getByTestId('meta.steps');
    this.innerSteps = page.getByTestId('meta.inner-steps');
    this.batch = page.getByTestId('meta.batch');
    this.compareUpTo = page.getByTestId('meta.compare-up-to');
    this.train = page.getByTestId('meta.train');
    this.inits = page.getByTestId('meta.init');
    this.upload = page.getByTestId('meta.upload');
    this.chart = page.getByTestId('meta.chart');
    this.verdict = page.getByTestId('meta.verdict');
    this.error = page.getByTestId('meta.error');
  }

  async tick(taskId: string): Promise<void> {
    await this.page.getByTestId(`meta.task-${taskId}`).check();
  }

  /** Types into a number field (the test id sits on the input itself). */
  async setNumber(field: Locator, value: number): Promise<void> {
    await field.fill(String(value));
  }

  compare(initIndex = 0): Promise<void> {
    return this.inits.nth(initIndex).getByTestId('meta.compare').click();
  }

  async download(initIndex = 0): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.inits.nth(initIndex).getByTestId('meta.download').click()]);
    return download;
  }
}
