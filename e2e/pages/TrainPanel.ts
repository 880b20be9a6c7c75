// Train panel: controls, phase, step counter, live chart, runs.
import type { Locator, Page } from '@playwright/test';
import type { StudioPage } from './StudioPage.ts';

export class TrainPanel {
  readonly start: Locator;
  readonly pause: Locator;
  readonly resume: Locator;
  readonly stop: Locator;
  readonly phase: Locator;
  readonly step: Locator;
  readonly chart: Locator;
  readonly error: Locator;
  readonly runs: Locator;
  readonly blocked: Locator; // why Train is disabled (fields holding values they do not accept)

  constructor(
    private readonly page: Page,
    private readonly app: StudioPage,
  ) {
    this.start = page.getByTestId('train.start');
    this.pause = page.getByTestId('train.pause');
    this.resume = page.getByTestId('train.resume');
    this.stop = page.getByTestId('train.stop');
    this.phase = page.getByTestId('train.phase');
    this.step = page.getByTestId('train.step');
    this.chart = page.getByTestId('train.chart');
    this.error = page.getByTestId('train.error');
    this.runs = page.getByTestId('runs.list');
    this.blocked = page.getByTestId('train.blocked');
  }

  overlay(runId: string): Locator {
    return this.page.getByTestId(`runs.overlay-${runId}`);
  }

  /** Starts a run and waits until the worker reports training. */
  async startRun(): Promise<void> {
    await this.start.click();
    await this.app.waitFor('training to start', (s) => s.phase === 'training' || s.phase === 'done');
  }

  /** Double-clicks Train (as an impatient user does) and waits until the worker reports training. */
  async doubleClickStart(): Promise<void> {
    await this.start.dblclick();
    await this.app.waitFor('training to start', (s) => s.phase === 'training' || s.phase === 'done');
  }

  waitForEnd(timeout = 240_000) {
    return this.app.waitFor('the run to end', (s) => s.phase === 'done' || s.phase === 'stopped' || s.phase === 'failed', timeout);
  }
}
