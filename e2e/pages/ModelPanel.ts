// Model panel: status, the Hub id field, the folder picker, the CPU fallback.
import type { Locator, Page } from '@playwright/test';

export class ModelPanel {
  readonly status: Locator;
  readonly error: Locator;
  readonly info: Locator;
  readonly progress: Locator;
  readonly hubId: Locator;
  readonly hubRevision: Locator;
  readonly loadHub: Locator;
  readonly loadDemo: Locator;
  readonly cpuFallback: Locator;
  readonly folder: Locator;
  readonly clearCache: Locator;

  constructor(page: Page) {
    this.status = page.getByTestId('model.status');
    this.error = page.getByTestId('model.error');
    this.info = page.getByTestId('model.info');
    this.progress = page.getByTestId('model.progress');
    this.hubId = page.getByTestId('model.hub-id');
    this.hubRevision = page.getByTestId('model.hub-revision');
    this.loadHub = page.getByTestId('model.source-hub');
    this.loadDemo = page.getByTestId('model.source-demo');
    this.cpuFallback = page.getByTestId('model.cpu-fallback');
    this.folder = page.getByTestId('model.folder');
    this.clearCache = page.getByTestId('model.clear-cache');
  }

  async loadFromHub(id: string, revision = 'main'): Promise<void> {
    await this.hubId.fill(id);
    await this.hubRevision.fill(revision);
    await this.loadHub.click();
  }
}
