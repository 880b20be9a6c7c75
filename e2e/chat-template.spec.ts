import { expect, test } from '@playwright/test';
import { StudioPage } from './pages/StudioPage.ts';

// The template preview shows the row as the model sees it, special tokens included, and the chat-template
// choice says what this model's tokenizer allows. The bundled demo model's tokenizer adds no BOS (a ByteLevel
// post-processor) and has no chat template: automatic stays off and "on" cannot be picked.
test('the demo model: no special tokens in the preview, the chat template automatic and unavailable', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const app = new StudioPage(page);
  await app.openWithSample('sentiment-code');
  await expect(app.data.previewTokens).toContainText('tokens, special tokens included');
  await expect(app.data.previewTokens).toContainText('no special tokens added');
  await expect(app.data.previewSpecial).toHaveCount(0);
  await expect(app.data.chatTemplate).toHaveValue('auto');
  await expect(app.data.chatTemplate.locator('option[value="auto"]')).toHaveText(/: off\)/);
  await expect(app.data.chatTemplate.locator('option[value="on"]')).toBeDisabled();
  const tokens = await app.data.previewTokens.getAttribute('data-tokens');

  await app.data.chatTemplate.selectOption('off');
  await expect(app.data.previewTokens).toHaveAttribute('data-tokens', tokens!);
  expect(pageErrors).toEqual([]);
});
