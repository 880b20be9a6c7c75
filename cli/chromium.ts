// Node-side driver for the engine in headless Chromium (Debian's /usr/bin/chromium, WebGPU on SwiftShader when
// there is no GPU): starts a Vite server on the repository and opens the engine harness page.
// Why Chromium and not Dawn in Node for correctness runs: on this machine Dawn-in-Node + SwiftShader aborts
// nondeterministically (futex / std::system_error) on non-trivial shaders, while Chromium runs them reliably.
import { chromium, type Browser, type Page } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface HarnessSession {
  page: Page;
  close(): Promise<void>;
}

export async function openHarness(): Promise<HarnessSession> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // No HMR and no file watching: an edit elsewhere in the tree must not reload the page mid-run.
  const server: ViteDevServer = await createServer({ root, logLevel: 'error', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null } });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the Vite server did not report its URL');
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  } catch (e) {
    await server.close();
    throw new Error(`could not start Chromium (${(e as Error).message.split('\n')[0]}); install Debian's chromium: apt-get install -y chromium`, { cause: e });
  }
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`[chromium] ${m.text()}`);
  });
  await page.goto(new URL('test/browser/gpu-harness.html', url).toString());
  await page.waitForFunction(() => (window as unknown as { engineHarness?: { ready: boolean } }).engineHarness?.ready === true, null, { timeout: 120_000 });
  return {
    page,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
