// Readable-prompts panel: instruction and search settings, the comparison table, copy buttons, the read-out.
import type { Locator, Page } from '@playwright/test';

export type PromptRowId = 'template' | 'instruction' | 'kshot' | 'pez' | 'autoprompt' | 'soft' | 'soft-projected' | 'prefix';

export const PROMPT_ROWS: readonly PromptRowId[] = ['template', 'instruction', 'kshot', 'pez', 'autoprompt', 'soft', 'soft-projected', 'prefix'];

export class PromptsPanel {
  readonly instruction: Locator;
  readonly compare: Locator;
  readonly progress: Locator;
  readonly table: Locator;
  readonly error: Locator;

  constructor(private readonly page: Page) {
    this.instruction = page.getByTestId('prompts.instruction');
    this.compare = page.getByTestId('prompts.compare');
    this.progress = page.getByTestId('prompts.progress');
    this.table = page.getByTestId('prompts.table');
    this.error = page.getByTestId('prompts.error');
  }

  /** Types into one of the panel's number fields (shots, pez-length, pez-steps, trigger-length, …). */
  async setNumber(field: string, value: number): Promise<void> {
    await this.page.getByTestId(`prompts.${field}`).fill(String(value));
  }

  row(id: PromptRowId): Locator {
    return this.page.getByTestId(`prompts.row-${id}`);
  }

  text(id: PromptRowId): Locator {
    return this.page.getByTestId(`prompts.text-${id}`);
  }

  copy(id: PromptRowId): Locator {
    return this.page.getByTestId(`prompts.copy-${id}`);
  }

  /** The row's accuracy as a number, or null when the row has none. */
  async accuracy(id: PromptRowId): Promise<number | null> {
    const v = await this.page.getByTestId(`prompts.accuracy-${id}`).getAttribute('data-value');
    return v === null || v === '' ? null : Number(v);
  }
}
