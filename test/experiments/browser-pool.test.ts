/**
 * The same worker pool in a browser: dist/experiments (pool-browser + worker.js) bundled by Vite
 * into a page, run in Debian's chromium (playwright-core) with 2 module Web Workers, each with its
 * own wasm instance. The results equal those of the Node worker_threads pool, point for point.
 * Skipped when chromium is not installed (scripts/setup-browser.sh installs it for make test-browser).
 */
import { tempDir } from '../support/fs.js';
import { ROOT } from '../support/paths.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines, stable } from './helpers.js';

const CHROMIUM = process.env.RNN_GD_CHROMIUM ?? '/usr/bin/chromium';

describe('worker pool in a browser (Web Workers)', () => {
  it("runs a tiny sweep on 2 Web Workers with the Node pool's results", async () => {
    const { build } = await import('vite');
    const { chromium } = await import('playwright-core');
    const { runExperiment } = await import('../../dist/experiments/node.js');
    const { serve } = await import('../browser/helpers.js');

    const app = tempDir('browser-pool');
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(
      join(app, 'index.html'),
      '<!doctype html><meta charset="utf-8"><title>pool</title><script type="module" src="./src/main.js"></script>',
    );
    writeFileSync(
      join(app, 'src/main.js'),
      `
      import { createBrowserPool } from '${ROOT}/dist/experiments/pool-browser.js';
      import { getExperiment, planSweep, runSweep } from '${ROOT}/dist/experiments/index.js';
      window.runTiny = async (count) => {
        const pool = createBrowserPool({ size: 2, backend: 'wasm' });
        await pool.start();
        const points = planSweep(getExperiment('E4'), 'quick', { seeds: 1 }).slice(0, count);
        const results = [];
        const outcome = await runSweep({ points, executor: pool, onResult: (r) => { results.push(r); } });
        await pool.close();
        return { outcome: { status: outcome.status, done: outcome.done, failed: outcome.failed }, results, backend: pool.backendDescription, cores: navigator.hardwareConcurrency };
      };
      window.ready = true;
    `,
    );
    await build({
      root: app,
      base: './',
      logLevel: 'error',
      configFile: false,
      worker: { format: 'es' },
      build: { outDir: join(app, 'dist'), target: 'es2022', emptyOutDir: true },
    });

    const server = await serve({ '/': join(app, 'dist') });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      const got = await page.evaluate((n) => (window as unknown as { runTiny(n: number): Promise<any> }).runTiny(n), 4);
      expect(errors).toEqual([]);
      expect(got.outcome).toEqual({ status: 'completed', done: 4, failed: 0 });
      expect(got.backend).toMatch(/wasm/);
      expect(new Set(got.results.map((r: any) => r.timing.worker))).toEqual(new Set([0, 1]));

      // The same points on the Node pool give the same numbers (same backend build), apart from the runtime name.
      const out = tempDir('browser-pool-node');
      await runExperiment({
        experiment: 'E4',
        size: 'quick',
        seeds: 1,
        limit: 4,
        workers: 2,
        backend: 'wasm',
        out,
        report: false,
      });
      const strip = (r: any) => {
        const { run, ...rest } = r;
        return { ...rest, run: { ...run, runtime: 'x' } };
      };
      expect(stable(got.results).map(strip)).toEqual(stable(readLines(join(out, 'points.jsonl'))).map(strip));
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);
});
