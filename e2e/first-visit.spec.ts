import { expect, test } from '@playwright/test';
import { focusedStop, scrollsSideways, seriousViolations, type FocusStop } from './pages/a11y.ts';
import { StudioPage } from './pages/StudioPage.ts';

// A workshop participant's first visit (a fresh browser context: nothing stored): the studio opens ready to
// train — the first sample and its template in the table, the demo model loading with visible progress, Train
// enabled once it is ready — with nothing red shown before the user acts, and a clean console and network log.
// Then, by keyboard, Tab walks the flow to Train with its focus always visible; "Copy share link" gives a link
// that opens a participant's studio (a fresh browser at 200% zoom) with the same table, ready to train; and the
// same link opened over the user's own table keeps theirs, one click away, across a reload.
test('a first visit opens ready to train, with nothing red and a clean console', async ({ page }) => {
  test.setTimeout(420_000);
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

  // Keyboard, from the top of the page: Tab walks Model → Data → Train in order, every stop's focus visible; the
  // table's skip link (Enter) jumps its 240 rows × 3 controls.
  const stops: FocusStop[] = [];
  for (let i = 0; i < 150 && stops.at(-1)?.name !== 'train.start'; i++) {
    await page.keyboard.press('Tab');
    const stop = await focusedStop(page);
    if (stop) stops.push(stop);
    if (stop?.name === 'data.skip-table') {
      await page.keyboard.press('Enter');
      const landed = await focusedStop(page);
      if (landed) stops.push(landed);
    }
  }
  const names = stops.map((s) => s.name);
  console.log(`keyboard order (${names.length} stops): ${names.join(' → ')}`);
  const expected = ['share.copy', '1 Model', '3 Train', 'model.source-demo', 'data.sample-select', 'data.paste', 'data.skip-table', 'data.add-row', 'data.template', 'data.split', 'method.prompt', 'hyper.learningRate', 'train.start'];
  expect(expected.filter((n) => names.includes(n)), 'each of these reached by Tab').toEqual(expected);
  expect(expected.map((n) => names.indexOf(n)), 'in the order of the flow').toEqual(expected.map((n) => names.indexOf(n)).sort((a, b) => a - b));
  expect(stops.filter((s) => !s.visible).map((s) => s.name), 'focus visible at every stop').toEqual([]);
  // A step link moves to its step (focus there, Tab goes on from it) and leaves the URL carrying the setup.
  const setupHash = new URL(page.url()).hash;
  expect(setupHash).toContain('method=');
  await page.getByRole('navigation', { name: 'steps' }).getByRole('link', { name: '2 Data' }).click();
  await expect(page.getByTestId('step.data')).toBeFocused();
  expect(new URL(page.url()).hash, 'the address bar still holds the setup after a step link').toBe(setupHash);

  // Share a workshop setup: the unmodified sample travels by its id, an edited table in the link itself.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const shareUrl = page.getByTestId('share.url');
  const share = async (): Promise<string> => {
    const before = (await shareUrl.count()) > 0 ? await shareUrl.inputValue() : '';
    await page.getByTestId('share.copy').click();
    await expect(shareUrl).not.toHaveValue(before);
    await expect(page.getByTestId('share.result')).toContainText('Copied to the clipboard');
    const url = await shareUrl.inputValue();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    return url;
  };
  const sampleLink = await share();
  expect(sampleLink).toContain('dataset=sentiment-code');
  expect(sampleLink).not.toContain('data=');
  await expect(page.getByTestId('share.note')).toContainText('the sample “sentiment-code”');
  await app.data.cell(0, 'input').fill('a shared sentence');
  const tableLink = await share();
  expect(tableLink).toContain('&data=');
  expect(tableLink).not.toContain('dataset=');
  await expect(page.getByTestId('share.note')).toContainText('the table (240 rows');
  console.log(`share link with the edited 240-row sample: ${tableLink.length} characters`);
  // The user goes on typing after sharing: their own words, saved.
  await app.data.cell(0, 'input').fill('my own words');
  await app.waitForSaved();

  // A participant opens the link in a fresh browser at 200% zoom (1280 × 720 at 2× = 640 × 360 CSS pixels):
  // the shared table, nothing of theirs to keep, ready to train; no sideways scrolling, Train reachable.
  const zoomed = await page.context().browser()!.newContext({ viewport: { width: 640, height: 360 }, deviceScaleFactor: 2 });
  try {
    const other = await zoomed.newPage();
    const participant = new StudioPage(other);
    await other.goto(tableLink);
    await other.waitForFunction(() => window.__studio !== undefined);
    await expect(participant.data.cell(0, 'input')).toHaveValue('a shared sentence');
    await expect(other.getByTestId('share.opened')).toHaveAttribute('data-kept', 'none');
    await participant.waitForDevice();
    const opened = await participant.waitFor('the shared table, checked', (s) => s.modelLoaded && s.datasetOk === true && !s.validating);
    expect(opened.datasetCounts).toMatchObject({ train: 160, validation: 80, source: 'table' });
    await expect(participant.train.start).toBeEnabled();
    const zoomedWidth = await scrollsSideways(other);
    expect(zoomedWidth.scrollWidth, 'no sideways scrolling at 200% zoom').toBeLessThanOrEqual(zoomedWidth.clientWidth);
    await participant.train.start.scrollIntoViewIfNeeded();
    const box = (await participant.train.start.boundingBox())!;
    expect(box.x >= 0 && box.x + box.width <= 640 && box.y >= 0 && box.y + box.height <= 360, `Train in view at 200%: ${JSON.stringify(box)}`).toBe(true);
    expect(await seriousViolations(other), 'axe at 200% zoom, a shared link opened').toEqual([]);
  } finally {
    await zoomed.close();
  }

  // The same link opened over the user's own table: the shared one shows, theirs is kept, one click brings it
  // back, and the choice survives a reload until the user makes it.
  await page.goto(tableLink); // only the hash changes: the link pasted into this tab's address bar
  await expect(app.data.cell(0, 'input')).toHaveValue('a shared sentence');
  await expect(page.getByTestId('share.opened')).toHaveAttribute('data-kept', 'previous');
  await expect(page.getByTestId('share.opened')).toContainText('Your previous table and setup are kept');
  await page.getByTestId('share.swap').click();
  await expect(app.data.cell(0, 'input')).toHaveValue('my own words');
  await expect(page.getByTestId('share.opened')).toHaveAttribute('data-kept', 'shared');
  await app.waitForSaved();
  await page.reload();
  await page.waitForFunction(() => window.__studio !== undefined);
  await expect(app.data.cell(0, 'input')).toHaveValue('my own words');
  await expect(page.getByTestId('share.opened')).toHaveAttribute('data-kept', 'shared');
  await page.getByTestId('share.dismiss').click();
  await expect(page.getByTestId('share.banner')).toHaveCount(0);
  // A link cut or changed on the way is refused with a sentence, and nothing changes.
  await page.goto(`${tableLink.split('&data=')[0]}&data=${tableLink.split('&data=')[1].slice(0, 101)}`);
  await expect(page.getByTestId('share.problem')).toContainText('the link was cut or changed on the way');
  await expect(app.data.cell(0, 'input')).toHaveValue('my own words');
});

