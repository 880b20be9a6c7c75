// Node-side driver for engine pages in headless Chromium (Debian's /usr/bin/chromium, WebGPU on SwiftShader when
// there is no GPU): starts a Vite server on the repository and opens a page of it.
// Used where the studio's own environment matters: the golden cases in a page and a module Web Worker
// (`npm run golden -- --chromium`), the CLI trainer, and the model-level tests.
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

export interface PageSession {
  page: Page;
  /** Console errors and uncaught exceptions of the page so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Opens `path` (relative to the repository root) and waits until `window[readyGlobal].ready` is true. */
export async function openChromiumPage(path: string, readyGlobal: string): Promise<PageSession> {
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
  const close = async () => {
    await browser.close();
    await server.close();
  };
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(path, url).toString());
  try {
    await page.waitForFunction((g) => (window as unknown as Record<string, { ready?: boolean } | undefined>)[g]?.ready === true, readyGlobal, { timeout: 120_000 });
  } catch (e) {
    await close();
    throw new Error(`${path} did not start: ${errors.join('\n') || (e as Error).message}`, { cause: e });
  }
  return { page, errors, close };
}

/** The engine harness page (test/browser/gpu-harness.ts): golden cases, training, bench. */
export function openHarness(): Promise<PageSession> {
  return openChromiumPage('test/browser/gpu-harness.html', 'engineHarness');
}
