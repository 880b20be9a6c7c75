import { expect, test } from '@playwright/test';
import { StudioPage } from './pages/StudioPage.ts';

// Try it in transformers.js: after a short run of each method, the exported key/value cache runs in another runtime
// (transformers.js on onnxruntime-web, through the snippet users download, with the demo model's ONNX export) and its
// greedy reply must be this engine's, token for token. onnxruntime-web's wasm is fetched only when asked for, from
// the app's own files: every request outside this server is refused, as offline.
test('the exported cache in transformers.js replies as this engine: soft prompt, P-tuning, prefix', async ({ page, baseURL }) => {
  test.setTimeout(900_000);
  const origin = new URL(baseURL!).origin;
  const elsewhere: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (/ort-wasm.*\.wasm/.test(r.url())) wasm.push(r.url());
  });
  const app = new StudioPage(page);
  await app.openWithSample('sentiment-code');
  expect(wasm, 'onnxruntime-web is not fetched on the first load').toEqual([]);
  await expect(page.getByTestId('tjs.run')).toBeDisabled(); // nothing trained yet

  for (const method of ['prompt', 'ptuning', 'prefix'] as const) {
    await app.method.choose(method);
    await app.method.setHyper('steps', 3);
    await app.method.setHyper('evalEvery', 0);
    await app.method.setHyper('evalLimit', 2);
    await app.train.startRun();
    expect((await app.train.waitForEnd()).phase).toBe('done');

    const r = await app.exports.tryInTransformersJs('the staff felt brilliant and the trip was joyful');
    console.log(`${method}: engine [${r.engine}] transformers.js [${r.transformersJs}] ${r.verdict}`);
    expect(r.verdict).toContain('Same tokens');
    expect(r.engine).not.toBe('');
    expect(r.transformersJs).toBe(r.engine);
  }
  expect(wasm.length).toBeGreaterThan(0);
  expect(wasm.every((u) => u.startsWith(origin))).toBe(true);
  expect(elsewhere).toEqual([]);
});
