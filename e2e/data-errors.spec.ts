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

// A test double around the browser's storage limit, installed before the page's scripts: while sessionStorage's
// 'test.idb' is 'full' every IndexedDB put throws QuotaExceededError, as a full origin does; 'cut:N' lets N more
// puts through and refuses the rest, so storage gives out part-way through a save (what a reload mid-save risks).
function limitStorage(): void {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    const mode = sessionStorage.getItem('test.idb') ?? '';
    const left = mode.startsWith('cut:') ? Number(mode.slice(4)) : null;
    if (left !== null && left > 0) sessionStorage.setItem('test.idb', `cut:${left - 1}`);
    else if (mode !== '') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return put.apply(this, args);
  };
}

test('what was typed survives a reload, a full storage is named and the studio keeps working, a cut save leaves the last whole one', async ({ page }) => {
  test.setTimeout(240_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript(limitStorage);
  const app = new StudioPage(page);
  const saveProblem = page.getByTestId('app.save-problem');
  const setStorage = (mode: string | null) =>
    page.evaluate((m) => (m === null ? sessionStorage.removeItem('test.idb') : sessionStorage.setItem('test.idb', m)), mode);
  await app.open();
  await app.waitForModel();

  // (3) Text a number field does not accept is saved as typed (checked after the reload below).
  await app.method.hyper('learningRate').fill('0.0o3');
  await expect(app.method.problem('hyper.learningRate')).toBeVisible();

  // A full storage: the studio says the work is in this tab only, and keeps working on it.
  await setStorage('full');
  await app.data.template.fill('Unsaved: {input}\nCode:');
  await expect(saveProblem).toContainText('storage for the studio is full');
  await expect(saveProblem).toContainText('kept in this tab only');
  await expect(app.data.preview).toContainText('Unsaved:');
  await app.data.uploadFile('four.csv', 'input,output\ngreat,yes\nawful,no\nfine,yes\nbad,no\n');
  await expect(app.data.table).toHaveAttribute('data-rows', '4');
  // Space again: the next change saves everything, and the message goes.
  await setStorage(null);
  await app.data.template.fill('Saved: {input}\nCode:');
  await app.data.paste.fill('input,output\n"a saved draft",');
  await expect(saveProblem).toHaveCount(0);
  await app.waitForSaved();

  // Storage gives out after the first write of a save (the project's): none of that save lands, nor the next.
  await setStorage('cut:1');
  await app.data.paste.fill('input,output\n"a draft typed while storage gave out",');
  await expect(saveProblem).toBeVisible();
  await app.waitForSaved();
  await app.data.uploadFile('six.csv', 'input,output\na,yes\nb,no\nc,yes\nd,no\ne,yes\nf,no\n');
  await expect(app.data.table).toHaveAttribute('data-rows', '6');
  await app.waitForSaved();
  await setStorage(null);

  // The reload shows the last whole save: its paste draft and four rows (the setup comes back from the URL hash),
  // and the refused text, still refused.
  await page.reload();
  await page.waitForFunction(() => window.__studio !== undefined);
  await expect(app.data.table).toHaveAttribute('data-rows', '4');
  await expect(app.data.cell(3, 'input')).toHaveValue('bad');
  await expect(app.data.paste).toHaveValue('input,output\n"a saved draft",');
  await expect(app.method.hyper('learningRate')).toHaveValue('0.0o3');
  await expect(app.method.problem('hyper.learningRate')).toContainText('“0.0o3” is not accepted');
  await expect(app.train.blocked).toContainText('0.0o3');
  expect(pageErrors).toEqual([]);
});

test('a 50,000-row, 5 MB table is shown, checked, scrolled to row 40,000, answers typing, and kept through a reload; past the limit, a sentence', async ({ page }) => {
  test.setTimeout(600_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const app = new StudioPage(page);
  await app.open();
  await app.waitForModel();
  const review = (i: number) => `"Review ${i}: an evening at the cinema, ${i % 3 ? 'long, slow and' : 'brisk and'} ${i % 2 ? 'wonderful' : 'dreadful'} from start to finish, said the critic"`;
  const csv = ['input,output', ...Array.from({ length: 50_000 }, (_, i) => `${review(i + 1)},${i % 2 ? 'negative' : 'positive'}`)].join('\n');
  expect(csv.length).toBeGreaterThan(5_000_000);

  // Parsed and checked in the worker; only the rows in view are in the page.
  await app.data.uploadFile('reviews.csv', csv);
  await expect(app.data.table).toHaveAttribute('data-rows', '50000', { timeout: 300_000 });
  await app.waitFor('the table to be checked', (s) => s.datasetCounts?.source === 'table' && !s.validating && s.datasetOk === true, 300_000);
  await expect(app.data.summary).toHaveAttribute('data-train', '40000');
  expect(await page.locator('[data-testid^="data.row-"]').count()).toBeLessThan(100);

  // Row 40,000 by "Go to row", the last one by scrolling.
  await page.getByTestId('data.go-to-row').fill('40000');
  await page.getByTestId('data.go-to-row-go').click();
  await expect(app.data.cell(39_999, 'input')).toHaveValue(/^Review 40000:/);
  await app.data.cell(39_999, 'output').fill('positive, edited');
  await page.getByTestId('data.table-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(app.data.cell(49_999, 'input')).toHaveValue(/^Review 50000:/);

  // ✕ and Add row travel to the worker as the rows they touched (worker/table-delta.ts): its check counts them.
  const examples = async () => Number(await app.data.summary.getAttribute('data-train')) + Number(await app.data.summary.getAttribute('data-validation'));
  await page.getByTestId('data.delete-row-49999').click();
  await expect(app.data.table).toHaveAttribute('data-rows', '49999');
  await expect.poll(examples, { timeout: 300_000 }).toBe(49_999);
  await app.data.addRow.click();
  await app.data.cell(49_999, 'input').fill('Review 50000: written again');
  await app.data.cell(49_999, 'output').fill('positive');
  await expect.poll(examples, { timeout: 300_000 }).toBe(50_000);

  // Typing in the template is answered at once; the worker's check of every row follows.
  await app.data.template.fill('Review: {input}\nCode:');
  await app.data.template.press('End');
  await app.data.template.pressSequentially(' word');
  await expect(app.data.template).toHaveValue('Review: {input}\nCode: word');
  await expect(app.data.preview).toContainText('Code: word', { timeout: 300_000 });

  // The table, with its edit, is there again after a reload.
  await app.waitForSaved();
  await page.reload();
  await page.waitForFunction(() => window.__studio !== undefined);
  await expect(app.data.table).toHaveAttribute('data-rows', '50000');
  await page.getByTestId('data.go-to-row').fill('40000');
  await page.getByTestId('data.go-to-row-go').click();
  await expect(app.data.cell(39_999, 'output')).toHaveValue('positive, edited');

  // Past the limit: one sentence, and the table stays as it was.
  await app.waitForModel();
  await app.data.uploadFile('too-many.csv', 'input,output\n' + 'a,b\n'.repeat(100_001));
  await expect(app.data.requestError).toContainText('too-many.csv has more than 100,000 rows; the studio takes up to 100,000');
  await expect(app.data.table).toHaveAttribute('data-rows', '50000');
  expect(pageErrors).toEqual([]);
});
