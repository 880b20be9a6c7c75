// Export panel: downloads, checkpoint import, and Try it in transformers.js.
import { expect, type Download, type Locator, type Page } from '@playwright/test';

export class ExportPanel {
  readonly peft: Locator;
  readonly safetensors: Locator;
  readonly summary: Locator;
  readonly checkpoint: Locator;
  readonly importInput: Locator;
  readonly importAdapter: Locator; // a PEFT adapter: the zip, or its two files
  readonly error: Locator;
  readonly message: Locator;

  constructor(private readonly page: Page) {
    this.peft = page.getByTestId('export.peft');
    this.safetensors = page.getByTestId('export.safetensors');
    this.summary = page.getByTestId('export.summary');
    this.checkpoint = page.getByTestId('export.checkpoint');
    this.importInput = page.getByTestId('export.import');
    this.importAdapter = page.getByTestId('export.import-adapter');
    this.error = page.getByTestId('export.error');
    this.message = page.getByTestId('export.message');
  }

  /** Clicks an export button and returns the browser download it started. */
  async download(button: Locator): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    return download;
  }

  /** Runs Try it in transformers.js on `input` and waits for its answer; fails with the error line if it shows one.
   *  The verdict's text and both runtimes' reply ids (space-separated). */
  async tryInTransformersJs(input: string): Promise<{ verdict: string; engine: string; transformersJs: string }> {
    const page = this.page;
    await page.getByTestId('tjs.input').fill(input);
    await page.getByTestId('tjs.run').click();
    const verdict = page.getByTestId('tjs.verdict');
    const failed = page.getByTestId('tjs.error');
    await expect(verdict.or(failed)).toBeVisible({ timeout: 300_000 });
    expect((await failed.count()) > 0 ? await failed.textContent() : null).toBeNull();
    return {
      verdict: (await verdict.textContent()) ?? '',
      engine: (await page.getByTestId('tjs.engine').getAttribute('data-ids')) ?? '',
      transformersJs: (await page.getByTestId('tjs.tjs').getAttribute('data-ids')) ?? '',
    };
  }
}
