import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './cli/chromium.ts';

// e2e tests drive Debian's Chromium (no browser download) headless with WebGPU on SwiftShader.
export const chromiumArgs = CHROMIUM_ARGS;
export const LOCAL_HUB_PORT = 8765;

export default defineConfig({
  testDir: 'e2e',
  timeout: 300_000,
  expect: { timeout: 60_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    // The production build, served from a sub-path as a static host would: what users get, and it proves the
    // relative asset, worker and model URLs (React's dev build also made main-thread tasks 3-5× longer).
    baseURL: 'http://127.0.0.1:4173/studio/',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    trace: 'off',
  },
  webServer: [
    {
      command: 'npx vite build --logLevel warn && npx vite preview --host 127.0.0.1 --port 4173 --strictPort --base /studio/',
      url: 'http://127.0.0.1:4173/studio/',
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
    {
      // A local Hub (e2e/real-checkpoint.spec.ts) serving a SmolLM2-135M-shaped checkpoint it writes first (~1 s).
      command: `npx tsx tools/real-shapes/local-hub.ts --port ${LOCAL_HUB_PORT} --generate HuggingFaceTB/SmolLM2-135M`,
      url: `http://127.0.0.1:${LOCAL_HUB_PORT}/HuggingFaceTB/SmolLM2-135M/resolve/main/config.json`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
    },
  ],
});
