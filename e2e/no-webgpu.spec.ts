import { expect, test } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';
import { ExportPanel } from './pages/ExportPanel.ts';

// The same page in a browser whose WebGPU is switched off: it must say so plainly, with what to do.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu'), '--disable-features=WebGPU,Vulkan', '--disable-gpu'],
  },
});

test('without WebGPU the page says which browsers work instead of failing silently', async ({ page }) => {
  await page.goto('./');
  const status = page.getByTestId('status.device');
  await expect(status).toHaveAttribute('data-state', 'unavailable');
  await expect(status).toContainText('WebGPU');
  await expect(status).toContainText(/Chrome|Edge|Safari|Firefox/);
  await expect(status).toContainText(/CPU fallback/);
});

// Without WebGPU, the CPU fallback trains the demo model, and Try it in transformers.js runs on onnxruntime-web's
// WebAssembly backend instead: its greedy reply is still this engine's, token for token.
test('without WebGPU, Try it in transformers.js runs on WebAssembly and agrees with the CPU fallback', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('./');
  await expect(page.getByTestId('status.device')).toHaveAttribute('data-state', 'unavailable');
  await page.getByTestId('model.cpu-fallback').click();
  const train = page.getByTestId('train.start');
  await expect(train).toBeEnabled({ timeout: 120_000 });
  await page.getByTestId('method.ptuning').check({ force: true });
  await page.getByTestId('hyper.steps').fill('3');
  await page.getByTestId('hyper.evalEvery').fill('0');
  if (!(await page.getByTestId('hyper.evalLimit').isVisible())) await page.getByTestId('hyper.advanced').locator('summary').click();
  await page.getByTestId('hyper.evalLimit').fill('2');
  await train.click();
  const run = page.getByTestId('tjs.run');
  await expect(run).toBeEnabled({ timeout: 300_000 });
  const r = await new ExportPanel(page).tryInTransformersJs('the staff felt brilliant and the trip was joyful');
  expect(r.verdict).toContain('Same tokens: transformers.js (WebAssembly)');
  expect(r.engine).not.toBe('');
  expect(r.transformersJs).toBe(r.engine);
});
