import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { PROMPT_ROWS } from './pages/PromptsPanel.ts';
import { StudioPage } from './pages/StudioPage.ts';

// The readable-prompts table on the demo model, kept short (SwiftShader evaluates every row on the validation
// split): a small slice of the needs-tuning sample task, a hand-written instruction, one demonstration, and a
// few steps of each search and training. Every row gets a number, the PEZ prompt is text the user can copy,
// and the copy button puts exactly that text on the clipboard.
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const lines = readFileSync('public/datasets/sentiment-code.csv', 'utf8').trim().split('\n');
const train = lines.slice(1).filter((l) => l.endsWith(',train')).slice(0, 12);
const validation = lines.slice(1).filter((l) => l.endsWith(',validation')).slice(0, 6);
const TABLE = [lines[0], ...train, ...validation].join('\n');

test('compare prompts: one table with a number per row and a copyable PEZ prompt', async ({ page }) => {
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

  const p = app.prompts;
  await p.instruction.fill('Secret code: sun');
  for (const [field, value] of [['shots', 1], ['pez-length', 3], ['pez-steps', 2], ['trigger-length', 2], ['autoprompt-iterations', 1], ['candidates', 2], ['train-steps', 2]] as const)
    await p.setNumber(field, value);
  await p.compare.click();
  await expect(p.progress).toBeVisible();
  // The comparison holds the engine: a training run cannot be started beside it.
  await expect(app.train.start).toBeDisabled();
  await expect(p.table).toBeVisible();
  for (const id of PROMPT_ROWS) await expect(p.row(id)).toHaveAttribute('data-state', 'done', { timeout: 360_000 });
  await expect(p.progress).toBeHidden();
  await expect(app.train.start).toBeEnabled();

  const accuracies = Object.fromEntries(await Promise.all(PROMPT_ROWS.map(async (id) => [id, await p.accuracy(id)] as const)));
  console.log(`validation accuracy per row: ${JSON.stringify(accuracies)}`);
  for (const id of PROMPT_ROWS) {
    expect(accuracies[id], id).not.toBeNull();
    expect(accuracies[id]!).toBeGreaterThanOrEqual(0);
    expect(accuracies[id]!).toBeLessThanOrEqual(1);
  }
  // The instruction the demo model was trained under recovers the code word: the rows are really measured.
  expect(accuracies.instruction!).toBeGreaterThan(accuracies.template!);

  const pezText = (await p.text('pez').textContent()) ?? '';
  expect(pezText.length).toBeGreaterThan(0);
  await p.copy('pez').click();
  await expect(p.copy('pez')).toHaveText('Copied');
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  // The cell shows line breaks as ⏎ followed by the break.
  expect(clipboard).toBe(pezText.replace(/⏎\n/g, '\n'));
  await expect(p.error).toBeHidden();
  expect(pageErrors).toEqual([]);
});
