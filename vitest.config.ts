import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The slow tier: suites that kill and resume real processes, spawn the CLI hundreds of times, search
 * widths for minutes, or time things. `make check` (the inner loop) runs the fast project only;
 * `make test` and `make test-ts` run both (the release gate).
 */
export const SLOW = [
  'test/hardening/kill.test.ts',
  'test/cli/cli.prop.test.ts',
  'test/experiments/search.test.ts',
  'test/perf/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/fast-check-seed.ts'],
    // Fails the run when a build artifact or chromium is missing (no test skips for it).
    globalSetup: ['test/prerequisites.ts'],
    projects: [
      {
        extends: true,
        // test/browser has its own config (vitest.browser.config.ts, `make test-browser`).
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**', ...SLOW],
        },
      },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
