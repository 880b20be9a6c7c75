import { expect, test } from '@playwright/test';
import { StudioPage } from './pages/StudioPage.ts';

// A lost GPU device in the middle of a run, for real: the DevTools protocol's Browser.crashGpuProcess kills
// Chromium's GPU process, which holds every WebGPU device of the browser (SwiftShader's too). The worker must say so, start a new device, reload the
// model and resume the run from its last checkpoint, and the run must still finish with a tuned prompt.
test('the GPU process crashes mid-run: the run resumes from its last checkpoint and finishes', async ({ page, browser }) => {
  test.setTimeout(420_000);
  const app = new StudioPage(page);
  await app.openWithSample('sentiment-code');
  await app.method.choose('prompt');
  await app.method.setHyper('steps', 30);
  await app.method.setHyper('evalEvery', 10);
  await app.train.startRun();
  const before = await app.waitForStep(12, 240_000); // past the checkpoint the session keeps at step 10

  const cdp = await browser.newBrowserCDPSession();
  await cdp.send('Browser.crashGpuProcess');

  const resumed = page.getByText(/GPU device lost; resuming from step \d+/);
  await expect(resumed).toBeVisible({ timeout: 120_000 });
  const from = Number(/from step (\d+)/.exec((await resumed.textContent()) ?? '')?.[1]);
  console.log(`crashed the GPU process at step ${before.step} or later; resumed from step ${from}`);
  expect(from % 10).toBe(0); // a checkpoint, not a step from scratch
  expect(from).toBeGreaterThanOrEqual(10);
  const end = await app.train.waitForEnd(300_000);
  expect(end.phase).toBe('done');
  expect(end.step).toBe(30);
  await app.waitFor('the evaluation report', (s) => s.hasReport, 240_000);
  expect(await app.results.accuracy('tuned')).toBeGreaterThanOrEqual(0.9);
});
