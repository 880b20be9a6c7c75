import { defineConfig } from 'vitest/config';

// Unit tests run in Node. Tests that need a GPU use real WebGPU through Dawn (cli/dawn.ts → SwiftShader on
// machines without a GPU); they fail with the reason when no adapter exists, they never skip.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json' },
  },
});
