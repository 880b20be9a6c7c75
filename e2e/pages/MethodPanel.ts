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

  async setHyper(field: string, value: number | string): Promise<void> {
    await this.hyper(field).fill(String(value));
  }
}
