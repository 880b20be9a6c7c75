import { expect, test } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';

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
