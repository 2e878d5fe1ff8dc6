/**
 * The demo page (web/, built by `vite build web`) in Debian's chromium: it loads, trains in its
 * worker, the risk goes down, the charts render, the main thread stays responsive, pause / resume /
 * reset work, a seed reproduces its run, and it fits a narrow screen. Screenshots go to test/artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifact,
  haveChromium,
  haveWebBuild,
  launch,
  measureResponsiveness,
  percentile,
  REPO,
  serve,
  watchErrors,
  type StaticServer,
} from './helpers.js';

interface Rec {
  step: number;
  risk: number;
  testRisk?: number;
  rhoEff: number;
  memoryFactor: number;
}
declare global {
  interface Window {
    rnnGdDemo: {
      phase(): string;
      step(): number;
      records(): Rec[];
      info(): { backend: string; wasmSource: string } | null;
      config(): Record<string, unknown>;
      predictions(): unknown;
    };
  }
}

const phase = (page: Page) => page.evaluate(() => window.rnnGdDemo.phase());
const records = (page: Page) => page.evaluate(() => window.rnnGdDemo.records());
const waitPhase = (page: Page, p: string, timeout = 60_000) =>
  page.waitForFunction((want) => window.rnnGdDemo.phase() === want, p, { timeout, polling: 50 });
const hash = (c: Record<string, string | number>) =>
  '#' + new URLSearchParams(Object.entries(c).map(([k, v]) => [k, String(v)])).toString();

describe.skipIf(!haveChromium || !haveWebBuild)('demo page', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await serve({ '/': `${REPO}web/dist` });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads with labelled controls and empty charts', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchErrors(page);
    await page.goto(`${server.url}/index.html${hash({ steps: 900 })}`);
    await expect.poll(() => phase(page)).toBe('idle');
    expect(await page.title()).toContain('rnn-gd');
    // Every control is reachable by its accessible name.
    for (const name of [
      'System',
      'Recurrence',
      'Width m',
      'Scale α',
      'Length T',
      'Step size η',
      'Projection radius ρ',
      'Steps τ',
      'Sequences n',
      'Seed',
    ]) {
      expect(await page.getByLabel(name, { exact: true }).count(), name).toBe(1);
    }
    for (const name of ['Start', 'Pause', 'Reset', 'new seed'])
      expect(await page.getByRole('button', { name }).count(), name).toBe(1);
    expect(await page.getByRole('status').first().textContent()).toBe('Ready.');
    const systems = await page.locator('#system option').allTextContents();
    expect(systems).toEqual(['transport', 'dense-teacher', 'linear-filter', 'delay', 'narma10', 'teacher-rnn']);
    expect(await page.locator('#steps').inputValue()).toBe('900');
    // The bound calculator answers before any run.
    expect(await page.locator('#regime').textContent()).toBe('short memory');
  });

  it('trains in the worker: the risk goes down and the charts render', async () => {
    await page.getByRole('button', { name: 'Start' }).click();
    await waitPhase(page, 'done');
    const recs = await records(page);
    expect(recs.length).toBeGreaterThan(100);
    expect(recs[0].step).toBe(0);
    expect(recs[recs.length - 1].step).toBe(900);
    const first = recs[0],
      last = recs[recs.length - 1];
    expect(last.risk).toBeLessThan(0.05 * first.risk);
    expect(last.testRisk!).toBeLessThan(0.1 * first.testRisk!);
    for (const r of recs) expect(r.rhoEff).toBeLessThanOrEqual(10 * (1 + 1e-5));
    const info = await page.evaluate(() => window.rnnGdDemo.info());
    expect(info).toMatchObject({ backend: 'wasm simd128 f32', wasmSource: 'inline' });
    // Charts: a line per series, the prediction dots, axes with ticks.
    for (const id of ['chart-risk', 'chart-rho', 'chart-memory']) {
      const d = await page.locator(`#${id} path[data-series]`).first().getAttribute('d');
      expect(d?.split('L').length, id).toBeGreaterThan(50);
    }
    expect(await page.locator('#chart-risk path[data-series]').count()).toBe(2);
    const dots = await page.locator('#chart-pred path[data-series]').getAttribute('d');
    expect(dots?.split('M').length).toBeGreaterThan(100);
    expect(await page.locator('#risk-desc').textContent()).toMatch(/^Step 900: training risk/);
    expect(await page.getByRole('status').first().textContent()).toMatch(/^Done: step 900 of 900/);
    await page.screenshot({ path: artifact('demo-desktop.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('the same seed reproduces the run exactly; another seed does not', async () => {
    const run = async () => {
      if ((await phase(page)) !== 'idle') await page.getByRole('button', { name: 'Reset' }).click();
      await waitPhase(page, 'idle');
      await page.getByRole('button', { name: 'Start' }).click();
      await waitPhase(page, 'done');
      return (await records(page)).map((r) => r.risk);
    };
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByLabel('Steps τ', { exact: true }).fill('200');
    const a = await run();
    expect(page.url()).toContain('steps=200');
    const b = await run();
    expect(b).toEqual(a);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByLabel('Seed', { exact: true }).fill('2');
    const c = await run();
    expect(c).not.toEqual(a);
  });

  it('the main thread stays responsive while the worker trains; pause, resume and reset work', async () => {
    // A heavy dense run that cannot finish during the test (a fresh page: only the hash differs).
    await page?.close();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchErrors(page);
    await page.goto(
      `${server.url}/index.html${hash({ system: 'teacher-rnn', recurrence: 'dense', m: 192, T: 20, n: 256, steps: 50_000, eta: 0.05, rho: 0, seed: 3 })}`,
    );
    await expect.poll(() => phase(page)).toBe('idle');
    const idle = await page.evaluate(measureResponsiveness, 1000);
    console.log(
      `[demo] idle page: frame gap p95 ${percentile(idle.frames, 0.95).toFixed(1)} ms; setTimeout(0) latency p95 ${percentile(idle.timers, 0.95).toFixed(1)} ms`,
    );
    await page.getByRole('button', { name: 'Start' }).click();
    await waitPhase(page, 'running');
    const step = () => page.evaluate(() => window.rnnGdDemo.step());
    await page.waitForFunction(() => window.rnnGdDemo.step() > 0, null, { timeout: 30_000 });
    const stepBefore = await step();
    const probe = await page.evaluate(measureResponsiveness, 2500);
    const stepAfter = await step();
    const frameP95 = percentile(probe.frames, 0.95),
      frameMax = Math.max(...probe.frames);
    const timerP95 = percentile(probe.timers, 0.95),
      timerMax = Math.max(...probe.timers);
    console.log(
      `[demo] while training (${stepAfter - stepBefore} steps in 2.5 s): frames ${probe.frames.length}, gap p95 ${frameP95.toFixed(1)} ms, max ${frameMax.toFixed(1)} ms; setTimeout(0) latency p95 ${timerP95.toFixed(1)} ms, max ${timerMax.toFixed(1)} ms`,
    );
    expect(stepAfter).toBeGreaterThan(stepBefore);
    expect(probe.frames.length).toBeGreaterThan(60);
    expect(frameP95).toBeLessThan(50);
    expect(frameMax).toBeLessThan(250);
    expect(timerP95).toBeLessThan(50);

    await page.getByRole('button', { name: 'Pause' }).click();
    await waitPhase(page, 'paused', 10_000);
    const pausedAt = await step();
    await page.waitForTimeout(400);
    expect(await step()).toBe(pausedAt);
    expect(await page.getByRole('button', { name: 'Resume' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.waitForFunction((s) => window.rnnGdDemo.step() > s, pausedAt, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Reset' }).click();
    await waitPhase(page, 'idle');
    expect(await records(page)).toEqual([]);
    expect(await page.locator('#chart-risk path[data-series]').count()).toBe(0);
    expect(await page.getByLabel('Width m', { exact: true }).isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it("invalid settings are reported in the page (form checks and the worker's validation)", async () => {
    const p = await browser.newPage();
    const errs = watchErrors(p);
    await p.goto(`${server.url}/index.html${hash({ m: 7 })}`);
    await p.getByRole('button', { name: 'Start' }).click();
    await expect
      .poll(() => p.getByRole('alert').textContent())
      .toMatch(/^Width m: (must be even|Please enter a valid value)/);
    expect(await p.evaluate(() => window.rnnGdDemo.phase())).toBe('idle');
    // Valid fields, but the delay system recalls x_{T-1-k} with k = 3 >= T: the package's validation answers from the worker.
    await p.getByLabel('Width m', { exact: true }).fill('32');
    await p.getByLabel('System', { exact: true }).selectOption('delay');
    await p.getByLabel('Length T', { exact: true }).fill('2');
    await p.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => p.getByRole('alert').textContent()).toMatch(/field 'k'.*must be < T = 2/);
    expect(await p.evaluate(() => window.rnnGdDemo.phase())).toBe('idle');
    expect(await p.getByLabel('Length T', { exact: true }).isEnabled()).toBe(true);
    expect(errs).toEqual([]);
    await p.close();
  });

  it('fits a narrow screen (no horizontal scrolling)', async () => {
    const narrow = await browser.newPage({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const errs = watchErrors(narrow);
    await narrow.goto(`${server.url}/index.html${hash({ steps: 300 })}`);
    await narrow.getByRole('button', { name: 'Start' }).click();
    await narrow.waitForFunction(() => window.rnnGdDemo.phase() === 'done', null, { timeout: 60_000 });
    const { scrollWidth, innerWidth } = await narrow.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    // Charts stack in one column, each as wide as the screen allows.
    const widths = await narrow.locator('svg').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    for (const w of widths) expect(w).toBeGreaterThan(300);
    await narrow.screenshot({ path: artifact('demo-narrow.png'), fullPage: true });
    expect(errs).toEqual([]);
    await narrow.close();
  });
});
