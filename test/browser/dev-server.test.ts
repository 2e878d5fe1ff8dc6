/**
 * `make web` (Vite's dev server, from a cold dependency cache) runs a sweep in the lab without
 * reloading the page: web/vite.config.ts pre-bundles what the package's workers and reports import
 * (optimizeDeps.include), so the optimizer finds nothing new in the middle of the sweep and never
 * answers "optimized dependencies changed. reloading" (issue 24).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, REPO, watchErrors } from './helpers.js';
import { tempDir } from '../support/fs.js';

describe('the dev server (make web)', () => {
  let vite: ViteDevServer;
  let browser: Browser;
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = tempDir('vite-cache');
    vite = await createServer({
      configFile: join(REPO, 'web', 'vite.config.ts'),
      cacheDir,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0 },
    });
    await vite.listen();
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('runs E4 quick in the lab to its verdict with one page load (no optimizer reload)', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    let loads = 0;
    page.on('load', () => loads++);
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    const url = vite.resolvedUrls!.local[0];
    await page.goto(`${url}index.html#view=lab&exp=E4&size=quick&seeds=1&workers=2`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page
      .waitForFunction(
        () => (window as unknown as { rnnGdDemo?: { lab(): { phase: string } } }).rnnGdDemo?.lab().phase === 'done',
        null,
        { timeout: 120_000, polling: 200 },
      )
      .catch((err) => {
        throw new Error(`${(err as Error).message}\nloads: ${loads}\n${logs.join('\n')}`);
      });
    expect(loads, logs.join('\n')).toBe(1);
    expect(logs.filter((l) => /optimized dependencies changed|reloading/i.test(l))).toEqual([]);
    expect(await page.locator('#lab-verdict').textContent()).toMatch(/^E4: inconclusive\. 1 seeds/); // one seed: the rules need 5
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
