import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/browser has its own config (vitest.browser.config.ts, `make test-browser`).
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/fast-check-seed.ts'],
    // Fails the run when a build artifact or chromium is missing (no test skips for it).
    globalSetup: ['test/prerequisites.ts'],
  },
});
