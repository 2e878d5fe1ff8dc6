/**
 * The core in a real browser (web/harness.html): the parity suite (wasm against the float64
 * TypeScript reference) runs inside the page, with the inlined SIMD build, with the separate .wasm
 * file (rnn-gd/wasm-file), and on an engine without SIMD (scalar fallback); and the dense
 * reference step is timed in the page and in Node in the same run (docs/browser.md).
 */
import { writeFileSync } from 'node:fs';
import { getBackend, loadWasm } from 'rnn-gd';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeDenseStep, type StepTiming } from '../../web/src/harness/dense-step.js';
import type { ParityCase } from '../../web/src/harness/parity.js';
import { artifact, launch, measureResponsiveness, REPO, serve, watchErrors, type StaticServer } from './helpers.js';

interface Harness {
  info(): Promise<{ simd: boolean; flavor: string; source: string; backend: string; userAgent: string }>;
  parity(flavor?: 'simd' | 'scalar'): Promise<ParityCase[]>;
  denseStep(opts?: { warmup?: number; reps?: number }): Promise<StepTiming>;
  modelRoundTrip(): Promise<{ outputs: number; moved: boolean; same: boolean; meta: unknown[] }>;
}
declare global {
  interface Window {
    rnnGdHarness: Harness;
  }
}

const TIMING = { warmup: 5, reps: 25 };

describe('core in the browser (harness page)', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await serve({ '/': `${REPO}web/dist` });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(
    query = '',
    init?: () => void,
  ): Promise<{ page: Page; errors: string[]; wasmRequests: { url: string; type: string }[] }> {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const wasmRequests: { url: string; type: string }[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.wasm')) wasmRequests.push({ url: r.url(), type: r.headers()['content-type'] ?? '' });
    });
    if (init) await page.addInitScript(init);
    await page.goto(`${server.url}/harness.html${query}`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    return { page, errors, wasmRequests };
  }

  const expectParity = (cases: ParityCase[]) => {
    expect(cases).toHaveLength(17);
    for (const c of cases) expect(c.ok, `${c.name}: ${JSON.stringify(c)}`).toBe(true);
  };

  it('parity suite inside the page: SIMD build, inlined (no .wasm request)', async () => {
    const { page, errors, wasmRequests } = await open();
    const info = await page.evaluate(() => window.rnnGdHarness.info());
    expect(info).toMatchObject({ simd: true, flavor: 'simd', source: 'inline', backend: 'wasm simd128 f32' });
    expectParity(await page.evaluate(() => window.rnnGdHarness.parity()));
    expect(wasmRequests).toEqual([]);
    // The page's own button runs the same suite and shows it.
    await page.getByRole('button', { name: 'Run the parity suite here' }).click();
    await expect.poll(() => page.locator('#out').textContent()).toMatch(/^ok {3}dense tanh final/);
    expect(await page.locator('#out').textContent()).not.toContain('FAIL');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('predict, modelBlob and loadModel (Blob, Response, blob: URL) in the page', async () => {
    const { page, errors } = await open();
    expect(await page.evaluate(() => window.rnnGdHarness.modelRoundTrip())).toEqual({
      outputs: 5 * 4,
      moved: true,
      same: true,
      meta: ['page', 'page', 'page'],
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('rnn-gd/wasm-file: fetches the separate .wasm (application/wasm) and passes the suite', async () => {
    const { page, errors, wasmRequests } = await open('?source=file');
    const info = await page.evaluate(() => window.rnnGdHarness.info());
    expect(info).toMatchObject({ flavor: 'simd', source: 'file' });
    expectParity(await page.evaluate(() => window.rnnGdHarness.parity()));
    expect(wasmRequests).toHaveLength(1);
    expect(wasmRequests[0].type).toBe('application/wasm');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an engine without SIMD gets the scalar build, which passes the suite', async () => {
    // Answer the SIMD probe (a 31-byte module) as an engine without SIMD128 would.
    const { page, errors } = await open('', () => {
      const validate = WebAssembly.validate;
      WebAssembly.validate = (bytes: BufferSource) => (bytes.byteLength < 64 ? false : validate(bytes));
    });
    const info = await page.evaluate(() => window.rnnGdHarness.info());
    expect(info).toMatchObject({ simd: false, flavor: 'scalar', source: 'inline', backend: 'wasm scalar f32' });
    expectParity(await page.evaluate(() => window.rnnGdHarness.parity()));
    // The scalar build can also be asked for directly on a SIMD engine.
    const { page: page2 } = await open();
    expectParity(await page2.evaluate(() => window.rnnGdHarness.parity('scalar')));
    expect(errors).toEqual([]);
    await page.close();
    await page2.close();
  });

  it('the dense reference step: the page and Node run the same wasm at the same speed', async () => {
    const { page, errors } = await open();
    const info = await page.evaluate(() => window.rnnGdHarness.info());
    // Interleave browser and Node, three rounds; keep the fastest median of each (the least disturbed by other work on the machine).
    const browserRuns: StepTiming[] = [],
      nodeRuns: StepTiming[] = [];
    const nodeBackend = await getBackend('wasm');
    for (let round = 0; round < 3; round++) {
      browserRuns.push(await page.evaluate((o) => window.rnnGdHarness.denseStep(o), TIMING));
      nodeRuns.push(timeDenseStep(nodeBackend, TIMING));
    }
    const best = (runs: StepTiming[]) => runs.reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
    const inPage = best(browserRuns),
      inNode = best(nodeRuns);
    // 'rnn-gd' resolved through the exports map's node condition (dist/entries/node.js: the .wasm read with fs).
    expect((await loadWasm()).source).toBe('file');
    // Same starting loss: the same parameters and data in both runtimes.
    expect(Math.abs(inPage.loss0 - inNode.loss0) / inNode.loss0).toBeLessThan(1e-6);
    const report = {
      case: 'dense-128: m=128, d=8, T=20, n=256, one full-batch projected GD step (median ms)',
      browser: {
        medianMs: inPage.medianMs,
        gflops: inPage.gflops,
        backend: inPage.backend,
        userAgent: info.userAgent,
        rounds: browserRuns.map((r) => r.medianMs),
      },
      node: {
        medianMs: inNode.medianMs,
        gflops: inNode.gflops,
        backend: inNode.backend,
        wasmSource: (await loadWasm()).source,
        version: process.version,
        rounds: nodeRuns.map((r) => r.medianMs),
      },
      ratio: inPage.medianMs / inNode.medianMs,
      reps: TIMING.reps,
      date: new Date().toISOString(),
    };
    writeFileSync(artifact('speed.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(
      `[speed] dense reference step (m=128, d=8, T=20, n=256), median of ${TIMING.reps}: ` +
        `browser ${inPage.medianMs.toFixed(2)} ms (${inPage.gflops.toFixed(1)} GFLOP/s, ${info.userAgent.match(/Chrome\/[\d.]+/)?.[0]}), ` +
        `node ${inNode.medianMs.toFixed(2)} ms (${inNode.gflops.toFixed(1)} GFLOP/s, ${process.version}); browser/node = ${report.ratio.toFixed(2)}`,
    );
    // Same wasm, same engine family (V8): within a factor of 2 either way.
    expect(report.ratio).toBeGreaterThan(0.5);
    expect(report.ratio).toBeLessThan(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the responsiveness probe does see a blocked main thread (control for the demo test)', async () => {
    const { page } = await open();
    // Main-thread wasm work (about 10 steps, no worker) while the probe runs.
    const probe = await page.evaluate(async (measure) => {
      const run = new Function(`return (${measure})`)() as (
        ms: number,
      ) => Promise<{ frames: number[]; timers: number[] }>;
      const p = run(1500);
      await new Promise((r) => setTimeout(r, 200));
      await window.rnnGdHarness.denseStep({ warmup: 0, reps: 20 });
      return p;
    }, measureResponsiveness.toString());
    const maxGap = Math.max(...probe.frames);
    console.log(`[control] main-thread training: max frame gap ${maxGap.toFixed(0)} ms`);
    expect(maxGap).toBeGreaterThan(150);
    await page.close();
  });
});
