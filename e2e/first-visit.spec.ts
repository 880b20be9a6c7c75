import { expect, test } from '@playwright/test';
import { scrollsSideways, seriousViolations } from './pages/a11y.ts';
import { StudioPage } from './pages/StudioPage.ts';

// A workshop participant's first visit (a fresh browser context: nothing stored): the studio opens ready to
// train — the first sample and its template in the table, the demo model loading with visible progress, Train
// enabled once it is ready — with nothing red shown before the user acts, and a clean console and network log.
test('a first visit opens ready to train, with nothing red and a clean console', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  // Everything red (error lines, the data's problem list, the page banner) and the model's progress, recorded by
  // the page itself from its first DOM on, so nothing shown briefly between two polls is missed.
  await page.addInitScript(() => {
    const w = window as unknown as { __redSeen: string[]; __progressSeen: boolean };
    w.__redSeen = [];
    w.__progressSeen = false;
    const look = () => {
      for (const el of document.querySelectorAll<HTMLElement>('.error-line, .data-errors, .banner-error, .status-error')) {
        const text = el.textContent ?? '';
        if (el.offsetParent !== null && !w.__redSeen.includes(text)) w.__redSeen.push(text);
      }
      if (document.querySelector('[data-testid="model.progress"], [data-testid="model.status"][data-state="loading"]')) w.__progressSeen = true;
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });

  const app = new StudioPage(page);
  await app.open();
  await app.waitForDevice();
  const ready = await app.waitFor('the demo model and the first sample', (s) => s.modelLoaded && s.datasetOk === true && !s.validating);
  expect(ready.datasetCounts).toMatchObject({ train: 160, validation: 80, source: 'table' });
  await expect(app.data.sampleSelect).toHaveValue('sentiment-code');
  await expect(app.data.template).toHaveValue('Review: {input}\nCode:');
  await expect(app.data.previewTokens).not.toHaveText('');
  await expect(app.train.start).toBeEnabled();

  const seen = await page.evaluate(() => {
    const w = window as unknown as { __redSeen: string[]; __progressSeen: boolean };
    return { red: w.__redSeen, progress: w.__progressSeen };
  });
  expect(seen.progress, 'the demo model showed its loading progress').toBe(true);
  expect(seen.red, 'nothing red before the user acted').toEqual([]);
  await expect(page.locator('.error-line, .data-errors, .banner-error')).toHaveCount(0);
  expect(problems, 'console and network on load').toEqual([]);

  // Accessible as it opens: no serious or critical axe violation, in the light theme and the dark one.
  expect(await seriousViolations(page), 'axe, light theme').toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--panel').trim())).not.toBe('#ffffff');
  expect(await seriousViolations(page), 'axe, dark theme').toEqual([]);
  // Any laptop screen: no sideways scrolling at 1280 × 720.
  await page.setViewportSize({ width: 1280, height: 720 });
  const { scrollWidth, clientWidth } = await scrollsSideways(page);
  expect(scrollWidth, 'the page fits 1280 px without scrolling sideways').toBeLessThanOrEqual(clientWidth);
});
