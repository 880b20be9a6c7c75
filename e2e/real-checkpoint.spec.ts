import { expect, test } from '@playwright/test';
import { StudioPage } from './pages/StudioPage.ts';
import { LOCAL_HUB_PORT } from '../playwright.config.ts';

// A true-size checkpoint from a Hub by id: the local Hub (tools/real-shapes/local-hub.ts, started by the Playwright
// config) serves a SmolLM2-135M-shaped BF16 checkpoint (seeded random weights, 257 MiB) in the Hub's URL layout,
// with a 302 for the weights as the Hub answers. Picked from the known-good list, loaded with byte progress
// (streamed to the GPU as halves), trained two steps, and a token generated. No wall-clock bounds: generous timeouts.
const ID = 'HuggingFaceTB/SmolLM2-135M';
const ROWS = [
  'input,output,split',
  'the staff felt brilliant,alpha,train',
  'the room seemed noisy,beta,train',
  'a joyful trip,alpha,train',
  'a gloomy evening,beta,train',
  'brilliant music,alpha,validation',
  'noisy staff,beta,validation',
].join('\n');

test('a SmolLM2-135M-shaped checkpoint loads from the local Hub by id, trains two steps and generates a token', async ({ page }) => {
  test.setTimeout(1_500_000);
  const app = new StudioPage(page);
  await app.open();
  await app.waitForDevice();
  await app.waitForModelSettled(); // the demo model, loaded at start

  // The known-good list, sized against this device by the worker; picking fills the id.
  const row = page.locator(`[data-testid="model.known-row"][data-id="${ID}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-fits', 'true');
  await page.getByRole('button', { name: `Use ${ID}` }).click();
  await expect(app.model.hubId).toHaveValue(ID);
  await page.getByTestId('model.hub-endpoint').fill(`http://127.0.0.1:${LOCAL_HUB_PORT}`);
  await app.model.loadHub.click();

  // Byte progress while loading: the progress block counts the weight file's bytes.
  await expect(app.model.progress).toBeVisible({ timeout: 120_000 });
  await expect
    .poll(async () => Number(await app.model.progress.getAttribute('data-loaded')), { timeout: 300_000 })
    .toBeGreaterThan(100 * 2 ** 20);
  await app.waitFor('the checkpoint to load', (s) => s.modelState === 'ready' || s.modelState === 'failed', 900_000);
  await expect(app.model.error).toHaveCount(0);
  await expect(app.model.info).toHaveAttribute('data-family', 'llama');
  await expect(app.model.info).toContainText(ID);
  await expect(app.model.info).toContainText('downloaded from the Hub');
  await expect(app.model.info).toContainText('f16');

  await app.data.pasteRows(ROWS);
  await app.waitFor('the pasted rows to be accepted', (s) => s.datasetOk === true, 300_000);
  await app.method.setHyper('steps', 2);
  await app.method.setHyper('batchSize', 1);
  await app.method.setHyper('evalEvery', 0);
  await app.page.getByTestId('method.tokens').fill('16');
  await app.train.startRun();
  await app.waitForStep(2, 900_000);
  const end = await app.train.waitForEnd(900_000);
  expect(end.phase).toBe('done');

  // One generated token in the playground.
  const play = app.results;
  await play.playInput.fill('brilliant music');
  await page.getByTestId('play.max-tokens').fill('1');
  await expect(play.generate).toBeEnabled({ timeout: 900_000 });
  await play.generate.click();
  await expect(play.base).toBeVisible({ timeout: 900_000 });
  await expect(play.tuned).toBeVisible();
  await expect(play.tuned).not.toHaveText('(no tuned prompt yet)');
  await expect(play.error).toHaveCount(0);
});
