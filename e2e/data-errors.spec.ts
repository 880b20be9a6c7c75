import { expect, test } from '@playwright/test';
import { StudioPage } from './pages/StudioPage.ts';

// A new user pastes a CSV with a broken row: the data panel names the line and what is wrong with it, the
// pasted text stays where it was (to be fixed), and the table is not replaced.
const MALFORMED = [
  'input,output', // line 1: header
  '"A joy from start to finish",positive', // line 2
  'this row has no output column', // line 3: one field where two are needed
  '"Dull and far too long",negative', // line 4
].join('\n');

test('a malformed pasted CSV shows its line error in place and keeps the text', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const app = new StudioPage(page);
  await app.open();
  await app.waitForDevice();
  // Whether or not a model is there, parse errors must be reported; wait for start-up to settle first.
  await app.waitForModelSettled();
  const rowsBefore = await app.data.table.getAttribute('data-rows');

  await app.data.pasteRows(MALFORMED);

  await expect(app.data.errors).toBeVisible();
  await expect(app.data.errorAtLine(3)).toContainText('line 3');
  // Only the broken line is blamed.
  await expect(app.data.errorAtLine(2)).toHaveCount(0);
  await expect(app.data.errorAtLine(4)).toHaveCount(0);
  const state = await app.state();
  expect(state.datasetOk).toBe(false);
  expect(state.datasetErrors.map((e) => e.line)).toContain(3);

  // Nothing the user typed is lost, and the table keeps its rows.
  await expect(app.data.paste).toHaveValue(MALFORMED);
  await expect(app.data.table).toHaveAttribute('data-rows', rowsBefore ?? '1');
  expect(errors).toEqual([]);
});
