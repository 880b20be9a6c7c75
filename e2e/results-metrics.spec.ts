import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { StudioPage } from './pages/StudioPage.ts';

// Results you can trust from a few examples, in a real browser on the demo model (WebGPU on SwiftShader):
// a free-text task shows exact match, token F1, ROUGE-L and chrF for the untuned model and the tuned prompt, and
// the predictions side by side with a filter for the changed ones; cross-validation over 3 folds shows mean ±
// std for the tuned prompt beside the untuned model and a hand-written instruction on the same folds, and a stop
// keeps the runs that finished; a learning curve over nested training sizes is drawn beside the untuned model;
// brittleness scores the untuned model, an instruction and the tuned prompt under template variants.

test('free text: the four metrics and the predictions side by side', async ({ page }) => {
  test.setTimeout(420_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const app = new StudioPage(page);
  await app.openWithSample('reverse-words');
  await app.method.setHyper('steps', 16);
  await app.method.setHyper('evalEvery', 0);
  await app.train.startRun();
  await app.train.waitForEnd(300_000);
  const r = app.results;
  await expect(r.tunedAccuracy).toBeVisible({ timeout: 180_000 });
  const metrics = { baseline: {} as Record<string, number>, tuned: {} as Record<string, number> };
  for (const side of ['baseline', 'tuned'] as const) {
    metrics[side].exact_match = await r.accuracy(side);
    for (const m of ['token_f1', 'rouge_l', 'chrf'] as const) metrics[side][m] = await r.textMetric(side, m);
  }
  console.log(`reverse-words after 16 steps: ${JSON.stringify(metrics)}`);
  for (const side of ['baseline', 'tuned'] as const) {
    for (const m of ['exact_match', 'token_f1', 'rouge_l'] as const) {
      expect(metrics[side][m]).toBeGreaterThanOrEqual(0);
      expect(metrics[side][m]).toBeLessThanOrEqual(1);
    }
    expect(metrics[side].chrf).toBeGreaterThanOrEqual(0);
    expect(metrics[side].chrf).toBeLessThanOrEqual(100);
    // Partial credit: a metric that counts words or characters is never below all-or-nothing exact match.
    expect(metrics[side].token_f1).toBeGreaterThanOrEqual(metrics[side].exact_match);
  }
  // The tuned prompt learned something the metrics see.
  expect(metrics.tuned.chrf).toBeGreaterThan(metrics.baseline.chrf);

  // Side by side: every validation row with the expected answer and both outputs.
  const validation = readFileSync('public/datasets/reverse-words.jsonl', 'utf8').trim().split('\n').filter((l) => l.includes('"validation"')).length;
  await expect(r.examples).toHaveAttribute('data-count', String(validation));
  const first = r.exampleRows.first();
  await expect(first.getByTestId('results.example-expected')).not.toBeEmpty();
  await expect(first.getByTestId('results.example-baseline')).toBeVisible();
  await expect(first.getByTestId('results.example-tuned')).toBeVisible();
  const changed = Number(await r.examples.getAttribute('data-changed'));
  expect(changed).toBeGreaterThan(0);
  await r.changedOnly.check();
  await expect(r.examples).toHaveAttribute('data-count', String(changed));
  for (const row of await r.exampleRows.all()) await expect(row).toHaveAttribute('data-changed', 'true');
  await r.changedOnly.uncheck();
  await expect(r.examples).toHaveAttribute('data-count', String(validation));
  expect(pageErrors).toEqual([]);
});

const lines = readFileSync('public/datasets/sentiment-code.csv', 'utf8').trim().split('\n');
const rows = lines.slice(1).map((l) => l.replace(/,(train|validation)$/, ''));
const TABLE = ['input,output', ...rows.filter((l) => l.endsWith(',alpha')).slice(0, 9), ...rows.filter((l) => l.endsWith(',beta')).slice(0, 9)].join('\n');

test('cross-validate: 3 folds give mean ± std beside the untuned model and a hand-written instruction; Stop keeps what finished', async ({ page }) => {
  test.setTimeout(420_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const app = new StudioPage(page);
  await app.open();
  await app.waitForDevice();
  await app.waitForModel();
  await app.data.template.fill('Review: {input}\nCode:');
  await app.data.pasteRows(TABLE);
  await app.waitFor('the pasted table to be accepted', (s) => s.datasetOk === true);
  await app.method.setHyper('steps', 3);
  // The hand-written baseline: the header the demo model was trained under, scored on the same folds.
  await app.prompts.instruction.fill('Secret code: sun');
  const r = app.results;
  await r.setCv('folds', 3);
  await r.setCv('seeds', 1);
  await r.cvStart.click();
  await expect(r.cvProgress).toBeVisible();
  // Cross-validation holds the engine: no training run beside it.
  await expect(app.train.start).toBeDisabled();
  await expect(r.cvDone).toHaveAttribute('data-stopped', 'false', { timeout: 360_000 });
  await expect(r.cvRuns).toHaveAttribute('data-count', '3');
  await expect(r.cvSummary).toBeVisible();
  for (const m of ['accuracy', 'macro_f1']) {
    const tuned = await r.cvCell('tuned', m);
    const base = await r.cvCell('baseline', m);
    console.log(`cv ${m}: tuned ${JSON.stringify(tuned)}, untuned ${JSON.stringify(base)}`);
    expect(tuned.values).toHaveLength(3);
    expect(base.values).toHaveLength(3);
    const mean = tuned.values.reduce((a, b) => a + b, 0) / 3;
    expect(tuned.mean).toBeCloseTo(mean, 12);
    expect(tuned.std).toBeCloseTo(Math.sqrt(tuned.values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2), 12);
  }
  const instruction = await r.cvCell('instruction', 'accuracy');
  console.log(`cv accuracy, instruction: ${JSON.stringify(instruction)}`);
  expect(instruction.values).toHaveLength(3);
  expect(instruction.mean).toBeGreaterThan((await r.cvCell('baseline', 'accuracy')).mean);
  await expect(r.cvSummary.getByTestId('cv.tuned-accuracy')).toHaveText(/^\d\.\d{3} ± \d\.\d{3}$/);
  await expect(app.train.start).toBeEnabled();

  // Stop after the first run of 3 folds × 2 seeds: that run is kept and summarised.
  await r.setCv('seeds', 2);
  await r.cvStart.click();
  await expect(r.cvRuns).toHaveAttribute('data-count', '1', { timeout: 300_000 });
  await r.cvStop.click();
  await expect(r.cvDone).toHaveAttribute('data-stopped', 'true', { timeout: 300_000 });
  const kept = Number(await r.cvDone.getAttribute('data-runs'));
  expect(kept).toBeGreaterThanOrEqual(1);
  expect(kept).toBeLessThan(6);
  expect((await r.cvCell('tuned', 'accuracy')).values).toHaveLength(kept);
  await expect(page.getByTestId('cv.error')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('learning curve: nested training sizes plotted against the untuned model', async ({ page }) => {
  test.setTimeout(420_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const app = new StudioPage(page);
  await app.open();
  await app.waitForDevice();
  await app.waitForModel();
  await app.data.template.fill('Review: {input}\nCode:');
  await app.data.pasteRows(TABLE);
  await app.waitFor('the pasted table to be accepted', (s) => s.datasetOk === true);
  await app.method.setHyper('steps', 2);
  await page.getByTestId('lc.sizes').fill('4, 8');
  await page.getByTestId('lc.start').click();
  await expect(page.getByTestId('lc.progress')).toBeVisible();
  await expect(app.train.start).toBeDisabled();
  await expect(page.getByTestId('lc.table')).toHaveAttribute('data-stopped', 'false', { timeout: 300_000 });
  await expect(page.getByTestId('lc.chart')).toHaveAttribute('data-points', '2');
  await expect(page.getByTestId('lc.point')).toHaveCount(2);
  expect(await page.getByTestId('lc.point').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-size'))))).toEqual([4, 8]);
  const base = Number(await page.getByTestId('lc.baseline-accuracy').getAttribute('data-value'));
  expect(base).toBeGreaterThanOrEqual(0);
  expect(base).toBeLessThanOrEqual(1);
  await expect(app.train.start).toBeEnabled();
  await expect(page.getByTestId('lc.error')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('brittleness: untuned, instruction and tuned prompt under the default template variants', async ({ page }) => {
  test.setTimeout(420_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const app = new StudioPage(page);
  await app.open();
  await app.waitForDevice();
  await app.waitForModel();
  await app.data.template.fill('Review: {input}\nCode:');
  await app.data.pasteRows(TABLE);
  await app.waitFor('the pasted table to be accepted', (s) => s.datasetOk === true);
  await app.method.setHyper('steps', 3);
  await app.method.setHyper('evalEvery', 0);
  await app.train.startRun();
  await app.train.waitForEnd(300_000);
  await expect(app.results.tunedAccuracy).toBeVisible({ timeout: 180_000 });
  await app.prompts.instruction.fill('Secret code: sun');
  await page.getByTestId('br.start').click();
  await expect(page.getByTestId('br.table')).toHaveAttribute('data-stopped', 'false', { timeout: 300_000 });
  const table = page.getByTestId('br.table');
  await expect(table.locator('thead th')).toHaveCount(1 + 5 + 2); // metric, 5 variants, mean ± std, spread
  for (const row of ['untuned', 'instruction', 'tuned']) {
    const r = page.getByTestId(`br.row-${row}`);
    const values = ((await r.getAttribute('data-values')) ?? '').split(',').map(Number);
    expect(values, row).toHaveLength(5);
    expect(Number(await r.getAttribute('data-spread'))).toBeCloseTo(Math.max(...values) - Math.min(...values), 12);
  }
  await expect(page.getByTestId('br.error')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
