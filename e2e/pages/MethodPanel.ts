// Method & hyper-parameters panel.
import type { Locator, Page } from '@playwright/test';

export class MethodPanel {
  readonly select: Locator;
  readonly note: Locator;
  readonly tokens: Locator;

  constructor(private readonly page: Page) {
    this.select = page.getByTestId('method.select');
    this.note = page.getByTestId('method.note');
    this.tokens = page.getByTestId('method.tokens');
  }

  async choose(method: 'prompt' | 'prefix' | 'ptuning'): Promise<void> {
    await this.page.getByTestId(`method.${method}`).check({ force: true });
  }

  /** A TrainConfig field by name: learningRate, steps, batchSize, evalEvery, … */
  hyper(field: string): Locator {
    return this.page.getByTestId(`hyper.${field}`);
  }

  /** What a field says about text it does not accept, and its warning for an unusual value. */
  problem(testId: string): Locator {
    return this.page.getByTestId(`${testId}.problem`);
  }

  warning(testId: string): Locator {
    return this.page.getByTestId(`${testId}.warning`);
  }

  /** Unfolds the advanced hyper-parameters (warm-up, β, seed, schedule, …) if they are folded. */
  async openAdvanced(): Promise<void> {
    const details = this.page.getByTestId('hyper.advanced');
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
  }

  async setHyper(field: string, value: number | string): Promise<void> {
    if (!(await this.hyper(field).isVisible())) await this.openAdvanced();
    await this.hyper(field).fill(String(value));
  }
}
