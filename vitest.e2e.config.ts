import { defineConfig } from 'vitest/config';

// End-to-end tests: Node drives Debian's Chromium through playwright-core with
// the built extension (.output/chrome-mv3) loaded. One browser at a time.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globals: true,
  },
});
