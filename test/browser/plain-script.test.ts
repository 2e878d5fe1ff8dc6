/**
 * The package from a plain <script type="module"> (no bundler, no import map): the self-contained
 * bundles dist/bundle/index.js (wasm inlined) and dist/bundle/wasm-file.js (separate .wasm by URL),
 * served as a page would serve node_modules/rnn-gd.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, REPO, serve, watchErrors, type StaticServer } from './helpers.js';

describe('plain <script type="module">', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await serve({ '/node_modules/rnn-gd/': REPO, '/': `${REPO}test/browser/fixtures` });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [file, source, wasmFetches] of [
    ['plain-inline.html', 'inline', 0],
    ['plain-wasm-file.html', 'file', 1],
  ] as const) {
    it(`${file}: trains, the risk goes down (wasm source ${source})`, async () => {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      const wasm: string[] = [];
      page.on('response', (r) => {
        if (r.url().endsWith('.wasm'))
          wasm.push(`${r.status()} ${r.headers()['content-type']} ${new URL(r.url()).pathname}`);
      });
      await page.goto(`${server.url}/${file}`);
      await page.waitForFunction(() => 'result' in window, null, { timeout: 30_000 });
      const result = await page.evaluate(
        () =>
          (window as unknown as { result: { status: string; backend: string; source: string; risks: number[] } })
            .result,
      );
      expect(result).toMatchObject({ status: 'completed', backend: 'wasm simd128 f32', source });
      expect(result.risks).toHaveLength(5);
      expect(result.risks[4]).toBeLessThan(0.5 * result.risks[0]);
      expect(wasm).toHaveLength(wasmFetches);
      if (wasmFetches)
        expect(wasm[0]).toBe('200 application/wasm /node_modules/rnn-gd/dist/wasm-pkg/simd/rnn_wasm_bg.wasm');
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
