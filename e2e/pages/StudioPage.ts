// The whole studio page: opens it, reads the typed test hook (window.__studio), and waits on app state instead
// of sleeping. Panel page objects hang off it.
import type { Page } from '@playwright/test';
import type { StudioTestState } from '../../src/app/test-hook-types.ts';
import { DataPanel } from './DataPanel.ts';
import { ExportPanel } from './ExportPanel.ts';
import { MetaPanel } from './MetaPanel.ts';
import { MethodPanel } from './MethodPanel.ts';
import { ModelPanel } from './ModelPanel.ts';
import { PromptsPanel } from './PromptsPanel.ts';
import { ResultsPanel } from './ResultsPanel.ts';
import { TrainPanel } from './TrainPanel.ts';

export class StudioPage {
  readonly model: ModelPanel;
  readonly data: DataPanel;
  readonly method: MethodPanel;
  readonly train: TrainPanel;
  readonly results: ResultsPanel;
  readonly exports: ExportPanel;
  readonly meta: MetaPanel;
  readonly prompts: PromptsPanel;

  constructor(readonly page: Page) {
    this.model = new ModelPanel(page);
    this.data = new DataPanel(page);
    this.method = new MethodPanel(page);
    this.train = new TrainPanel(page, this);
    this.results = new ResultsPanel(page);
    this.exports = new ExportPanel(page);
    this.meta = new MetaPanel(page);
    this.prompts = new PromptsPanel(page);
  }

  async open(hash = ''): Promise<void> {
    await this.page.goto(hash ? `./#${hash}` : './');
    await this.page.waitForFunction(() => window.__studio !== undefined);
  }

  state(): Promise<StudioTestState> {
    return this.page.evaluate(() => window.__studio!.state());
  }

  /** Polls the hook until `predicate` holds; on timeout the error names what was awaited and the last state seen. */
  async waitFor(what: string, predicate: (s: StudioTestState) => boolean, timeout = 120_000): Promise<StudioTestState> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const state = await this.state();
      if (predicate(state)) return state;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}; last state ${JSON.stringify(state)}`);
      await this.page.waitForTimeout(50); // a polling interval, not a sleep standing in for a condition
    }
  }

  waitForDevice(): Promise<StudioTestState> {
    return this.waitFor('the device to start', (s) => s.deviceState !== 'starting');
  }

  /** Resolves once the start-up model load has finished, either way. */
  waitForModelSettled(): Promise<StudioTestState> {
    return this.waitFor('the model load to finish', (s) => s.modelState === 'ready' || s.modelState === 'failed');
  }

  waitForModel(): Promise<StudioTestState> {
    return this.waitFor('the model to load', (s) => s.modelLoaded);
  }

  /** The common start: open the studio, wait for the device and the demo model, and load a sample dataset. */
  async openWithSample(sampleId: string): Promise<void> {
    await this.open();
    await this.waitForDevice();
    await this.waitForModel();
    await this.data.pickSample(sampleId);
    await this.waitFor('the sample dataset to be accepted', (s) => s.datasetOk === true);
  }

  waitForStep(step: number, timeout?: number): Promise<StudioTestState> {
    return this.waitFor(`step ${step}`, (s) => s.step >= step, timeout);
  }

  waitForSaved(): Promise<StudioTestState> {
    return this.waitFor('the project to be saved', (s) => !s.savePending, 10_000);
  }
}
