import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import { parseSafetensors } from '../src/engine/io/safetensors.ts';
import { seriousViolations } from './pages/a11y.ts';
import { StudioPage } from './pages/StudioPage.ts';

// A new user's whole path on the bundled demo model, in a real browser on real WebGPU (SwiftShader here):
// open → the demo model loads → choose a sample dataset → train → the chart gains points while the page stays
// responsive → the tuned prompt beats the untuned baseline → download the PEFT zip and its files parse →
// reload and find the run again.
test('open, train on a sample task, beat the baseline, download the adapter, find the run after a reload', async ({ page }) => {
  test.setTimeout(420_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // A clean console and network log from the load through the run (checked before the reload at the end).
  const consoleProblems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => consoleProblems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) consoleProblems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const app = new StudioPage(page);
  await app.open();
  await app.waitForDevice();
  await app.waitForModel();

  // No setup: the studio opened on the first sample (sentiment-code) with its template; Train is ready.
  await app.waitFor('the first sample to be accepted', (s) => s.datasetOk === true);
  await expect(app.data.sampleSelect).toHaveValue('sentiment-code');
  await expect(app.data.previewTokens).not.toHaveText('');
  await expect(app.train.start).toBeEnabled();

  await app.method.choose('prompt');
  await app.method.setHyper('steps', 24);
  await app.method.setHyper('evalEvery', 8);

  // Accessible at each step of the flow (axe, serious or critical violations), each in the state a user sees it:
  // Model and Data ready, Train with the advanced settings unfolded (then during the run), Use after the run.
  expect(await seriousViolations(page, '[data-testid="panel.model"]'), 'axe, step 1 Model').toEqual([]);
  expect(await seriousViolations(page, '[data-testid="panel.data"]'), 'axe, step 2 Data').toEqual([]);
  await app.method.openAdvanced();
  expect(await seriousViolations(page, '.flow-train'), 'axe, step 3 Train, advanced settings open').toEqual([]);
  // An impatient double-click: one run, never a second "failed · 0 steps" one beside it.
  await app.train.doubleClickStart();
  const early = await app.waitForStep(4, 240_000);
  // The page answers input while the worker trains: a field typed into mid-run shows what was typed.
  await app.method.setHyper('evalEvery', 9);
  await expect(app.method.hyper('evalEvery')).toHaveValue('9');
  await app.method.setHyper('evalEvery', 8);
  const later = await app.waitFor('more chart points', (s) => s.chartPoints > early.chartPoints + 2, 240_000);
  expect(later.step).toBeGreaterThan(early.step);
  expect(await seriousViolations(page, '.flow-train'), 'axe, step 3 Train, while training').toEqual([]);
  await app.train.waitForEnd(300_000);
  // Long main-thread tasks are measured by `npm run bench -- --long-tasks`, not bounded here: on a shared 2-core
  // machine whose "GPU" is SwiftShader on the same cores they follow the machine's load (a bound failed by
  // chance). Responsiveness is asserted above: a field typed into mid-run shows what was typed.

  const done = await app.waitFor('the evaluation report', (s) => s.hasReport, 240_000);
  expect(done.phase).not.toBe('failed');
  expect(done.runs).toBe(1);
  await expect(app.train.error).toHaveCount(0);
  // Evaluation said how far it was: several examples per engine call, the count rising to the total on both sides.
  const tunedCounts = done.evalProgressSeen.filter((p) => p.side === 'tuned' && p.total > 0).map((p) => p.done);
  console.log(`evaluation progress seen: ${JSON.stringify(done.evalProgressSeen)}`);
  expect(tunedCounts.length).toBeGreaterThanOrEqual(2);
  expect(tunedCounts).toEqual([...tunedCounts].sort((a, b) => a - b));
  expect(tunedCounts.at(-1)).toBe(done.datasetCounts!.validation);
  expect(done.evalProgressSeen.some((p) => p.side === 'untuned' && p.done === p.total && p.total > 0)).toBe(true);
  const baseline = await app.results.accuracy('baseline');
  const tuned = await app.results.accuracy('tuned');
  console.log(`validation accuracy: baseline ${baseline}, tuned ${tuned}`);
  expect(tuned).toBeGreaterThanOrEqual(0.9);
  expect(tuned).toBeGreaterThan(baseline + 0.2);
  // The gain in large type, first in Results, and the untuned model as a dashed line on the chart.
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  await expect(app.results.gain).toHaveText(`untuned ${pct(baseline)} → tuned ${pct(tuned)} on ${done.datasetCounts!.validation} validation examples`);
  await expect(app.train.chart).toHaveAttribute('data-baseline', String(baseline));
  await expect(app.train.chart.locator('.recharts-reference-line')).toHaveCount(1);
  await expect(app.train.chart).toContainText(`untuned ${pct(baseline)}`); // the line's label
  // Accessible with the results shown too: the whole page, then step 4 Use with the playground's answer.
  expect(await seriousViolations(page), 'axe after a run').toEqual([]);
  await app.results.playInput.fill('the staff felt brilliant and the trip was joyful');
  await app.results.generate.click();
  await expect(app.results.tuned).toBeVisible({ timeout: 120_000 });
  await expect(app.results.generate).toHaveText('Generate', { timeout: 120_000 });
  await expect(app.results.tuned).not.toHaveText('(no tuned prompt yet)');
  expect(await seriousViolations(page, '.outcome'), 'axe, step 4 Use: results and playground').toEqual([]);

  const download = await app.exports.download(app.exports.peft);
  expect(await seriousViolations(page, '[data-testid="panel.export"]'), 'axe, step 4 Use: export after a download').toEqual([]);
  const zip = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
  // The PEFT adapter at the root (PeftModel.from_pretrained reads the unzipped folder), the row recipe, and the folder
  // that goes on training in Python (train.py reads data.jsonl, studio.json and start.safetensors).
  const inPython = ['README.md', 'data.jsonl', 'requirements.txt', 'start.safetensors', 'studio.json', 'train.py'].map((f) => `continue-in-peft/${f}`);
  expect(Object.keys(zip).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', ...inPython, 'row_format.json']);
  const splits = new Set(strFromU8(zip['continue-in-peft/data.jsonl']).trim().split('\n').map((l) => (JSON.parse(l) as { split: string }).split));
  expect([...splits]).toEqual(['train', 'validation']);
  expect((JSON.parse(strFromU8(zip['continue-in-peft/studio.json'])) as { rows: unknown }).rows).toEqual(JSON.parse(strFromU8(zip['row_format.json'])));
  // How a row was built, so Python rebuilds it: the demo model's tokenizer adds no special tokens; classification.
  const rows = JSON.parse(strFromU8(zip['row_format.json'])) as Record<string, unknown>;
  expect([rows.task, rows.chat_template, rows.eos_appended]).toEqual(['classification', false, false]);
  expect(String(rows.template)).toContain('{input}');
  const config = JSON.parse(strFromU8(zip['adapter_config.json'])) as Record<string, unknown>;
  expect(config.peft_type).toBe('PROMPT_TUNING');
  expect(config.task_type).toBe('CAUSAL_LM');
  const tensors = parseSafetensors(zip['adapter_model.safetensors']);
  expect(tensors.names()).toEqual(['prompt_embeddings']);
  expect(tensors.shape('prompt_embeddings')).toEqual([config.num_virtual_tokens, config.token_dim]);

  expect(consoleProblems, 'console and network through the run').toEqual([]);
  await app.waitForSaved();
  const runsBefore = (await app.state()).runs;
  await page.reload();
  await page.waitForFunction(() => window.__studio !== undefined);
  const restored = await app.waitFor('the saved runs', (s) => s.runs >= runsBefore, 30_000);
  expect(restored.runs).toBe(runsBefore);
  await expect(app.train.runs).toContainText('prompt');
  expect(pageErrors).toEqual([]);
});
