// Node-side driver for engine pages in headless Chromium (Debian's /usr/bin/chromium, WebGPU on SwiftShader when
// there is no GPU): starts a Vite server on the repository and opens a page of it.
// Used where the studio's own environment matters: the golden cases in a page and a module Web Worker
// (`npm run golden -- --chromium`), the CLI trainer, and the model-level tests. A local model folder reaches the page
// by URL from the same server (serveLocalDirectory), streamed from disk like any download, never as one string.
import { chromium, type Browser, type Page } from '@playwright/test';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';

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
  /** Whether the page crashed (Chromium's renderer or GPU process died). */
  crashed(): boolean;
  close(): Promise<void>;
}

const mounts = new Map<string, string>();

/** Serves the files of `dir` to pages opened after this call, at the returned path (`/__local/<key>/`). */
export function serveLocalDirectory(key: string, dir: string): string {
  if (!/^[\w-]+$/.test(key)) throw new Error(`mount key "${key}" must be letters, digits, - or _`);
  mounts.set(key, resolve(dir));
  return `/__local/${key}/`;
}

/** The mounted folders as plain files: content-length (byte progress), byte ranges (a resumed read), 404 when missing. */
function localDirectories(): Plugin {
  return {
    name: 'local-directories',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/__local\/([\w-]+)\/([^?#]+)/.exec(req.url ?? '');
        const dir = m ? mounts.get(m[1]) : undefined;
        if (!m || !dir) return next();
        const file = resolve(dir, decodeURIComponent(m[2]));
        if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
          res.statusCode = 404;
          res.end(`${m[2]} is not in ${dir}`);
          return;
        }
        const size = statSync(file).size;
        const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
        const start = range ? Math.min(Number(range[1]), size) : 0;
        res.statusCode = range ? 206 : 200;
        res.setHeader('content-type', 'application/octet-stream');
        res.setHeader('content-length', String(size - start));
        if (range) res.setHeader('content-range', `bytes ${start}-${size - 1}/${size}`);
        if (req.method === 'HEAD' || start >= size) {
          res.end();
          return;
        }
        createReadStream(file, { start }).pipe(res);
      });
    },
  };
}

/** The sentence for an error out of a page: a crashed page is said to be one, with what to try. */
export function pageErrorMessage(e: unknown, session?: PageSession): string {
  const message = (e as Error).message ?? String(e);
  if (session?.crashed() || /Target page, context or browser has been closed|Target crashed/.test(message))
    return (
      "Chromium's page crashed while running the engine (most often it ran out of memory, or its GPU process failed). " +
      'Try --batch 1 or fewer virtual tokens, a smaller model, or closing other programs, then run again.'
    );
  // The page's error arrives with its stack: the lines before it are the sentences for the user (a data error
  // lists every line's problem, one per line).
  const lines = message.replace(/^page\.evaluate: /, '').replace(/^Error: /, '').split('\n');
  const stack = lines.findIndex((l) => /^\s+at /.test(l));
  return lines.slice(0, stack === -1 ? lines.length : stack).join('\n').trimEnd();
}

/** Opens `path` (relative to the repository root) and waits until `window[readyGlobal].ready` is true. */
export async function openChromiumPage(path: string, readyGlobal: string): Promise<PageSession> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // No HMR and no file watching: an edit elsewhere in the tree must not reload the page mid-run.
  const server: ViteDevServer = await createServer({ root, logLevel: 'error', plugins: [localDirectories()], server: { port: 0, host: '127.0.0.1', hmr: false, watch: null } });
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
  let crashed = false;
  page.on('crash', () => (crashed = true));
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
  return { page, errors, crashed: () => crashed, close };
}

/** The engine harness page (test/browser/gpu-harness.ts): golden cases, training, bench. */
export function openHarness(): Promise<PageSession> {
  return openChromiumPage('test/browser/gpu-harness.html', 'engineHarness');
}
