import { expect, test } from '@playwright/test';
import { StudioPage } from './pages/StudioPage.ts';

// The playground's sampling fields do what they say, through the UI, the worker and the WebGPU KV-cache decoder
// (SwiftShader here), on the untuned demo model: greedy is repeatable; a temperature with a seed gives the same
// text again for that seed, and other seeds give other texts.
test('playground: greedy is repeatable; temperature sampling is fixed by its seed', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new StudioPage(page);
  await app.openWithSample('sentiment-code');

  const play = app.results;
  const field = (id: string) => page.getByTestId(`play.${id}`);
  // One request: the button reads "Generating…" and back. Watched from inside the page, since a short generation
  // could come and go between two polls; and React leaves an unchanged text node alone, so the text cannot tell.
  const generate = async () => {
    await expect(play.generate).toBeEnabled();
    const finished = page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const button = document.querySelector('[data-testid="play.generate"]')!;
          let busy = false;
          const watch = new MutationObserver(() => {
            if (button.textContent !== 'Generate') busy = true;
            else if (busy) {
              watch.disconnect();
              resolve();
            }
          });
          watch.observe(button, { childList: true, characterData: true, subtree: true });
        }),
    );
    await play.generate.click();
    await finished;
    await expect(play.error).toHaveCount(0);
    return (await play.base.textContent()) ?? '';
  };
  await play.playInput.fill('the staff felt brilliant and the trip was joyful');
  await field('max-tokens').fill('12');

  await field('temperature').fill('0');
  const greedy = await generate();
  expect(greedy.length).toBeGreaterThan(0);
  expect(await generate()).toBe(greedy);
  await expect(play.tuned).toHaveText('(no tuned prompt yet)');

  await field('temperature').fill('2'); // the field's largest
  await field('top-k').fill('0');
  await field('seed').fill('1');
  const sampled = await generate();
  expect(await generate()).toBe(sampled);
  const texts = new Set([greedy, sampled]);
  for (const seed of ['2', '3', '4']) {
    await field('seed').fill(seed);
    texts.add(await generate());
  }
  expect(texts.size, [...texts].join(' | ')).toBeGreaterThan(2);
});
