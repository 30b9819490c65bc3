import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import preact from '@preact/preset-vite';

// Unit tests: Node, happy-dom for DOM code (a file may ask for jsdom with
// `// @vitest-environment jsdom`), fake IndexedDB, WXT's fake browser.
// WxtVitest does not apply wxt.config.ts's vite plugins, so Preact is added here.
export default defineConfig({
  plugins: [WxtVitest(), preact()],
  test: {
    include: ['tests/unit/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    setupFiles: ['tests/unit/setup.ts'],
    globals: true,
    // Generous: a time limit here guards against hangs, not speed (that is npm run bench).
    testTimeout: 90_000,
  },
});
