import { expect, test } from '@playwright/test';

// A new user opens the studio: the worker acquires WebGPU and the status bar names the adapter it reported.
test('the status bar shows the adapter the worker reported', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./');
  const status = page.getByTestId('status.device');
  await expect(status).toHaveAttribute('data-state', /ready|unavailable/);
  const state = await status.getAttribute('data-state');
  // Fail loudly with the page's own reason when the browser has no adapter: never skip.
  expect(state, `WebGPU unavailable in Chromium: ${await status.textContent()}`).toBe('ready');
  const adapter = await page.getByTestId('status.adapter').textContent();
  expect(adapter?.trim().length ?? 0).toBeGreaterThan(0);
  expect(adapter).not.toBe('unknown adapter');
  console.log(`adapter reported by the worker: ${adapter}`);
  expect(errors).toEqual([]);
});
