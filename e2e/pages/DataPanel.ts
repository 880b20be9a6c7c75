// Data panel: the table, paste / upload / samples, errors, template and preview.
import type { Locator, Page } from '@playwright/test';

export class DataPanel {
  readonly table: Locator;
  readonly paste: Locator;
  readonly pasteApply: Locator;
  readonly upload: Locator;
  readonly sampleSelect: Locator;
  readonly samplesMessage: Locator;
  readonly errors: Locator;
  readonly errorLines: Locator;
  readonly requestError: Locator;
  readonly template: Locator;
  readonly preview: Locator;
  readonly previewTokens: Locator;
  readonly previewSpecial: Locator; // special tokens in the preview (<bos>, chat markers)
  readonly chatTemplate: Locator; // select: auto / on / off
  readonly summary: Locator;
  readonly addRow: Locator;
  readonly fraction: Locator; // validation fraction
  readonly splitColumnNote: Locator; // shown when the table's split column decides the split
  readonly warnings: Locator;
  readonly mergeLabels: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByTestId('data.table');
    this.paste = page.getByTestId('data.paste');
    this.pasteApply = page.getByTestId('data.paste-apply');
    this.upload = page.getByTestId('data.upload');
    this.sampleSelect = page.getByTestId('data.sample-select');
    this.samplesMessage = page.getByTestId('data.samples-message');
    this.errors = page.getByTestId('data.errors');
    this.errorLines = page.getByTestId('data.error-line');
    this.requestError = page.getByTestId('data.error');
    this.template = page.getByTestId('data.template');
    this.preview = page.getByTestId('data.preview');
    this.previewTokens = page.getByTestId('data.preview-tokens');
    this.previewSpecial = page.getByTestId('data.preview-special');
    this.chatTemplate = page.getByTestId('data.chat-template');
    this.summary = page.getByTestId('data.summary');
    this.addRow = page.getByTestId('data.add-row');
    this.fraction = page.getByTestId('data.split');
    this.splitColumnNote = page.getByTestId('data.split-column');
    this.warnings = page.getByTestId('data.warnings');
    this.mergeLabels = page.getByTestId('data.merge-labels');
  }

  /** Pastes text into the paste area and asks the studio to use it. */
  async pasteRows(text: string): Promise<void> {
    await this.paste.fill(text);
    await this.pasteApply.click();
  }

  errorAtLine(line: number): Locator {
    return this.page.locator(`[data-testid="data.error-line"][data-line="${line}"]`);
  }

  cell(row: number, column: 'input' | 'output'): Locator {
    return this.page.getByTestId(`data.cell-${row}-${column}`);
  }

  async pickSample(id: string): Promise<void> {
    await this.sampleSelect.selectOption(id);
  }

  async uploadFile(name: string, contents: string | Buffer, mimeType = 'text/csv'): Promise<void> {
    await this.upload.setInputFiles({ name, mimeType, buffer: typeof contents === 'string' ? Buffer.from(contents) : contents });
  }
}
