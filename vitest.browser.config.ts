/**
 * The browser tests (`make test-browser`): test/browser/*.test.ts, run in Node, driving Debian's
 * chromium through playwright-core against web/dist (built by `vite build web`). 'rnn-gd' resolves
 * to this repository's package (exports map, node condition: dist/entries/node.js), so the Node side of a
 * test times the same built wasm as the page.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: [{ find: /^rnn-gd$/, replacement: fileURLToPath(new URL('.', import.meta.url)) }] },
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/browser/prerequisites.ts'],
    // One browser at a time: the timing and responsiveness checks want the machine's cores.
    fileParallelism: false,
  },
});
