// Export panel: downloads and checkpoint import.
import type { Download, Locator, Page } from '@playwright/test';

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
}
