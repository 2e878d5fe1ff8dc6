/**
 * The demo page's training view (web/, built by `vite build web`) in Debian's chromium: the form
 * has every field of the library's schemas, a run trains in the worker, runs are kept and overlaid,
 * a run's model.json and metrics.csv download and parse back with the package's readers, a seed
 * reproduces its run, the URL holds the setting, the capacity check answers before set-up, Cancel
 * ends a set-up, the bound panel says what its numbers mean, the main thread stays responsive, and
 * the page fits a phone. Screenshots go to test/artifacts/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadModel, metricsCsv, SYSTEMS } from 'rnn-gd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifact,
  launch,
  measureResponsiveness,
  percentile,
  REPO,
  serve,
  watchErrors,
  type StaticServer,
} from './helpers.js';
import { tempDir } from '../support/fs.js';

interface Rec {
  step: number;
  risk: number;
  testRisk?: number;
  rhoEff: number;
  memoryFactor: number;
  [k: string]: number | undefined;
}
interface RunState {
  id: number;
  status: string;
  records: Rec[];
  info: { backend: string; wasmSource: string } | null;
}
interface TrainState {
  phase: string;
  runs: RunState[];
  current: number | null;
  step: number;
  values: Record<string, string>;
}
declare global {
  interface Window {
    rnnGdDemo: { train(): TrainState; lab(): Record<string, unknown> };
  }
}

const state = (page: Page) => page.evaluate(() => window.rnnGdDemo.train());
const lastRun = async (page: Page) => (await state(page)).runs.at(-1)!;
/** Waits until run number `id` has ended (completed, paused, diverged, failed or cancelled). */
const waitRun = (page: Page, id: number, timeout = 60_000) =>
  page.waitForFunction(
    (want) => {
      const s = window.rnnGdDemo.train();
      const r = s.runs.find((x) => x.id === want);
      return !!r && s.phase !== 'running' && s.phase !== 'setup' && r.status !== 'running';
    },
    id,
    { timeout, polling: 50 },
  );
const waitPhase = (page: Page, p: string, timeout = 60_000) =>
  page.waitForFunction((want) => window.rnnGdDemo.train().phase === want, p, { timeout, polling: 50 });
const hash = (c: Record<string, string | number>) =>
  '#' + new URLSearchParams(Object.entries(c).map(([k, v]) => [k, String(v)])).toString();
const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('demo page: training view', () => {
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

  it('loads with every field of the schemas, labelled, and a bound panel that explains itself', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    errors = watchErrors(page);
    await page.goto(`${server.url}/index.html${hash({ steps: 900 })}`);
    await expect.poll(() => state(page).then((s) => s.phase)).toBe('idle');
    expect(await page.title()).toContain('rnn-gd');
    for (const name of [
      'System',
      'Recurrence',
      'Activation',
      'Readout',
      'Width m',
      'Scale α',
      'Length T',
      'Step size η',
      'Projection',
      'Projection radius ρ',
      'Steps τ',
      'Sequences n',
      'Test sequences',
      'Batch size (0: full)',
      'Label noise σ',
      'Inputs',
      'Init law of w_i(0)',
      'Seed (data, init and batches)',
    ])
      expect(await page.getByLabel(name, { exact: true }).count(), name).toBe(1);
    for (const name of ['Start run', 'Pause', 'Resume', 'Clear runs', 'new seed'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    expect(await page.getByRole('status').first().textContent()).toBe('Ready.');
    expect(await page.locator('#f-system option').allTextContents()).toEqual([...SYSTEMS]);
    expect(await page.locator('#f-steps').inputValue()).toBe('900');
    // A system's own options appear with it (delay: k; not the transport teacher's M), from the
    // schema, in the folded teacher details.
    expect(await page.getByLabel('Teacher particles M', { exact: true }).isVisible()).toBe(false);
    await page.locator('#data-details > summary').click();
    expect(await page.getByLabel('Teacher particles M', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel('Delay k', { exact: true }).isVisible()).toBe(false);
    await page.getByLabel('System', { exact: true }).selectOption('delay');
    expect(await page.getByLabel('Delay k', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel('Teacher particles M', { exact: true }).isVisible()).toBe(false);
    await page.getByLabel('System', { exact: true }).selectOption('transport');
    // The bound panel answers before any run, and says what the numbers mean.
    expect(await page.locator('#regime').textContent()).toBe('short memory');
    const notes = await page.locator('#bound-notes').textContent();
    expect(notes).toMatch(/Vacuous at this size/);
    expect(notes).toMatch(/it would need width m ≥ \S+ \(this run: m = 256\)/);
    expect(notes).toMatch(/η_max = \S+ is a sufficient condition of the analysis, not a requirement/);
    expect(notes).toMatch(/this project's derivation/);
  });

  it('trains in the worker: the risk goes down, the charts render, model.json and metrics.csv download', async () => {
    await page.getByRole('button', { name: 'Start run' }).click();
    await waitRun(page, 1);
    const run = await lastRun(page);
    expect(run.status).toBe('completed');
    const recs = run.records;
    expect(recs.length).toBeGreaterThan(80);
    expect(recs[0].step).toBe(0);
    expect(recs[recs.length - 1].step).toBe(900);
    const first = recs[0],
      last = recs[recs.length - 1];
    expect(last.risk).toBeLessThan(0.05 * first.risk);
    expect(last.testRisk!).toBeLessThan(0.1 * first.testRisk!);
    for (const r of recs) expect(r.rhoEff).toBeLessThanOrEqual(10 * (1 + 1e-5));
    expect(run.info).toMatchObject({ backend: 'wasm simd128 f32', wasmSource: 'inline' });
    for (const id of ['chart-risk', 'chart-rho', 'chart-memory']) {
      const d = await page.locator(`#${id} path[data-series]`).first().getAttribute('d');
      expect(d?.split('L').length, id).toBeGreaterThan(50);
    }
    expect(await page.locator('#chart-risk path[data-series]').count()).toBe(2);
    const dots = await page.locator('#chart-pred path[data-series]').getAttribute('d');
    expect(dots?.split('M').length).toBeGreaterThan(100);
    expect(await page.locator('#risk-desc').textContent()).toMatch(/Run #1, step 900: training risk/);
    expect(await page.getByRole('status').first().textContent()).toMatch(/^Run #1: Done: step 900 of 900/);
    // The bound panel now compares with the measured risk at the initialization.
    expect(await page.locator('#bound-notes').textContent()).toMatch(/measured \d/);

    // Downloads, read back with the package's own readers.
    const dir = tempDir('demo');
    const save = async (label: string) => {
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-run="1"]').getByRole('button', { name: label, exact: true }).click(),
      ]);
      const path = join(dir, dl.suggestedFilename());
      await dl.saveAs(path);
      return path;
    };
    const model = await loadModel(await save('model.json'));
    expect(model.spec).toMatchObject({ recurrence: 'diagonal', activation: 'tanh', readout: 'final', m: 256, d: 4 });
    expect(model.W0.length).toBe(256);
    expect(model.meta).toMatchObject({ step: 900 });
    expect((model.meta!.run as { backend: string }).backend).toBe('wasm simd128 f32');
    const csv = readFileSync(await save('metrics.csv'), 'utf8');
    expect(csv).toBe(metricsCsv(recs as never));
    const [head, ...rows] = csv.trim().split('\n');
    const cols = head.split(',');
    expect(rows.length).toBe(recs.length);
    rows.forEach((line, i) => {
      const cells = line.split(',');
      expect(Number(cells[cols.indexOf('risk')])).toBe(recs[i].risk);
      expect(Number(cells[cols.indexOf('step')])).toBe(recs[i].step);
    });
    expect(errors).toEqual([]);
  });

  it('keeps runs and overlays them; the same seed reproduces a run exactly, another seed does not', async () => {
    await page.getByLabel('Steps τ', { exact: true }).fill('200');
    await page.getByRole('button', { name: 'Start run' }).click();
    await waitRun(page, 2);
    expect(page.url()).toContain('steps=200');
    await page.getByRole('button', { name: 'Start run' }).click();
    await waitRun(page, 3);
    await page.getByLabel('Seed (data, init and batches)', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Start run' }).click();
    await waitRun(page, 4);
    const s = await state(page);
    expect(s.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const risks = (id: number) => s.runs.find((r) => r.id === id)!.records.map((r) => r.risk);
    expect(risks(3)).toEqual(risks(2));
    expect(risks(4)).not.toEqual(risks(2));
    // Four runs on the charts: training and test risk of each, one ρ_s and a_s line each.
    expect(await page.locator('#chart-risk path[data-series]').count()).toBe(8);
    expect(await page.locator('#chart-rho path[data-series]').count()).toBe(4);
    expect(await page.locator('#chart-memory path[data-series]').count()).toBe(4);
    const colors = await page
      .locator('#chart-rho path[data-series]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('style')));
    expect(new Set(colors).size).toBe(4);
    // Hiding a run takes it off the charts; the list keeps it.
    await page.locator('#run-show-1').uncheck();
    await expect.poll(() => page.locator('#chart-rho path[data-series]').count()).toBe(3);
    expect(await page.locator('#runs li').count()).toBe(4);
    await page.screenshot({ path: artifact('demo-desktop.png'), fullPage: true });
    expect(await noSideScroll(page)).toBe(true);
    // The URL holds the whole setting: a new page with it has the same form.
    const values = s.values;
    const again = await browser.newPage();
    await again.goto(page.url());
    await expect.poll(() => again.evaluate(() => window.rnnGdDemo.train().values)).toEqual(values);
    await again.close();
    expect(errors).toEqual([]);
  });

  it('checks capacity before set-up, and Cancel ends a set-up at once', async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errs = watchErrors(p);
    // The heavy setting of a visitor: refused in the page with advice its fields can follow.
    await p.goto(`${server.url}/index.html${hash({ recurrence: 'dense', m: 1024, T: 200, n: 4096, steps: 100 })}`);
    await p.getByRole('button', { name: 'Start run' }).click();
    await expect
      .poll(() => p.getByRole('alert').textContent())
      .toMatch(/needs [\d.]+ GiB of wasm memory, more than the page's 2(\.00)? GiB: set Batch size to at most \d+/);
    expect((await p.evaluate(() => window.rnnGdDemo.train())).runs).toEqual([]);
    // Following the advice: a batch of that size passes the check and the set-up starts (slow: the
    // transport teacher over 8192 sequences of length 200); Cancel ends it within a second.
    const fit = Number(/at most (\d+)/.exec((await p.getByRole('alert').textContent())!)![1]);
    await p.getByLabel('Batch size (0: full)', { exact: true }).fill(String(Math.min(fit, 256)));
    await p.getByLabel('Test sequences', { exact: true }).fill('4096');
    await p.getByRole('button', { name: 'Start run' }).click();
    await waitPhase(p, 'setup', 5000);
    await p.waitForTimeout(500);
    expect((await p.evaluate(() => window.rnnGdDemo.train())).phase).toBe('setup');
    const t0 = Date.now();
    await p.getByRole('button', { name: 'Cancel set-up' }).click();
    await waitPhase(p, 'idle', 2000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await p.evaluate(() => window.rnnGdDemo.train())).runs[0].status).toBe('cancelled');
    expect(await p.getByRole('status').textContent()).toBe('Set-up cancelled.');
    // A fresh worker took over: the next run trains.
    await p.goto(`${server.url}/index.html${hash({ m: 32, n: 64, nTest: 32, steps: 50 })}`);
    await p.reload();
    await p.getByRole('button', { name: 'Start run' }).click();
    await waitRun(p, 1);
    expect((await p.evaluate(() => window.rnnGdDemo.train())).runs[0].status).toBe('completed');
    expect(errs).toEqual([]);
    await p.close();
  });

  it("invalid settings are reported in the page, naming the form's field", async () => {
    const p = await browser.newPage();
    const errs = watchErrors(p);
    await p.goto(`${server.url}/index.html${hash({ m: 7 })}`);
    await p.getByRole('button', { name: 'Start run' }).click();
    await expect.poll(() => p.getByRole('alert').textContent()).toMatch(/field 'm': must be even/);
    expect((await p.evaluate(() => window.rnnGdDemo.train())).runs).toEqual([]);
    // Delay with T = 2: the package's validation names k, a field the form has.
    await p.getByLabel('Width m', { exact: true }).fill('32');
    await p.getByLabel('System', { exact: true }).selectOption('delay');
    await p.getByLabel('Length T', { exact: true }).fill('2');
    await p.getByRole('button', { name: 'Start run' }).click();
    await expect.poll(() => p.getByRole('alert').textContent()).toMatch(/field 'k'.*must be < T = 2/);
    expect(await p.getByLabel('Delay k', { exact: true }).isVisible()).toBe(true); // its folded details open
    expect(await p.getByLabel('Length T', { exact: true }).isEnabled()).toBe(true);
    expect(errs).toEqual([]);
    await p.close();
  });

  it('the main thread stays responsive while the worker trains; pause and resume work', async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errs = watchErrors(p);
    await p.goto(
      `${server.url}/index.html${hash({ system: 'teacher-rnn', recurrence: 'dense', m: 192, T: 20, n: 256, steps: 50_000, eta: 0.05, 'projection.kind': 'none', seed: 3 })}`,
    );
    const idle = await p.evaluate(measureResponsiveness, 1000);
    console.log(
      `[demo] idle page: frame gap p95 ${percentile(idle.frames, 0.95).toFixed(1)} ms; setTimeout(0) latency p95 ${percentile(idle.timers, 0.95).toFixed(1)} ms`,
    );
    await p.getByRole('button', { name: 'Start run' }).click();
    await waitPhase(p, 'running');
    const step = () => p.evaluate(() => window.rnnGdDemo.train().step);
    await p.waitForFunction(() => window.rnnGdDemo.train().step > 0, null, { timeout: 30_000 });
    const stepBefore = await step();
    const probe = await p.evaluate(measureResponsiveness, 2500);
    const stepAfter = await step();
    const frameP95 = percentile(probe.frames, 0.95),
      frameMax = Math.max(...probe.frames);
    const timerP95 = percentile(probe.timers, 0.95);
    console.log(
      `[demo] while training (${stepAfter - stepBefore} steps in 2.5 s): frames ${probe.frames.length}, gap p95 ${frameP95.toFixed(1)} ms, max ${frameMax.toFixed(1)} ms; setTimeout(0) latency p95 ${timerP95.toFixed(1)} ms`,
    );
    expect(stepAfter).toBeGreaterThan(stepBefore);
    expect(probe.frames.length).toBeGreaterThan(60);
    expect(frameP95).toBeLessThan(50);
    expect(frameMax).toBeLessThan(250);
    expect(timerP95).toBeLessThan(50);
    await p.getByRole('button', { name: 'Pause' }).click();
    await waitPhase(p, 'paused', 10_000);
    const pausedAt = await step();
    await p.waitForTimeout(400);
    expect(await step()).toBe(pausedAt);
    // While paused the form is free (a new run keeps this one) and the model can be downloaded.
    expect(await p.getByLabel('Width m', { exact: true }).isEnabled()).toBe(true);
    await expect.poll(() => p.locator('[data-run="1"] [data-file$="model.json"]').count()).toBe(1);
    await p.getByRole('button', { name: 'Resume' }).click();
    await p.waitForFunction((s) => window.rnnGdDemo.train().step > s, pausedAt, { timeout: 20_000 });
    await p.getByRole('button', { name: 'Pause' }).click();
    await waitPhase(p, 'paused', 10_000);
    await p.getByRole('button', { name: 'Clear runs' }).click();
    await waitPhase(p, 'idle');
    expect((await p.evaluate(() => window.rnnGdDemo.train())).runs).toEqual([]);
    expect(await p.locator('#chart-risk path[data-series]').count()).toBe(0);
    expect(errs).toEqual([]);
    await p.close();
  });

  it('fits a phone screen (390 × 844): one column, no horizontal scrolling', async () => {
    const narrow = await browser.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const errs = watchErrors(narrow);
    await narrow.goto(`${server.url}/index.html${hash({ steps: 300 })}`);
    await narrow.getByRole('button', { name: 'Start run' }).click();
    await waitRun(narrow, 1);
    expect(await noSideScroll(narrow)).toBe(true);
    const widths = await narrow
      .locator('#train-charts svg')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    for (const w of widths) expect(w).toBeGreaterThan(300);
    await narrow.screenshot({ path: artifact('demo-phone.png'), fullPage: true });
    expect(errs).toEqual([]);
    await narrow.close();
  });
});
