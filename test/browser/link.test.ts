/**
 * The demo page as a shareable instrument, in Debian's chromium: the URL holds the whole setting
 * of both views from the moment the page opens; "Copy link" copies it; the link opened in a fresh
 * browser (no checkpoint, no earlier run) fills the same setting and reproduces the run bit for
 * bit, or the sweep point for point; and a link opened in a tab that already shows the page (only
 * the hash changes, no reload) takes effect too, after the run in progress when there is one.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, REPO, serve, watchErrors, type StaticServer } from './helpers.js';

interface Demo {
  train(): {
    phase: string;
    runs: { id: number; status: string; records: { step: number; risk: number; wallMs: number }[] }[];
    values: Record<string, string>;
  };
  lab(): {
    phase: string;
    key: string;
    results: { id: string; timing: unknown; run: object }[];
    verdict: string | null;
  };
}
const demo = <T>(page: Page, f: (d: Demo) => T) =>
  page.evaluate(`(${f.toString()})(window.rnnGdDemo)`) as Promise<Awaited<T>>;
const train = (page: Page) => demo(page, (d) => d.train());
const lab = (page: Page) => demo(page, (d) => d.lab());
// Polled from Node with page.evaluate: the page's Content-Security-Policy forbids evaluating strings.
const waitTrain = (page: Page, want: (s: ReturnType<Demo['train']>) => boolean, timeout = 60_000) =>
  expect.poll(async () => want(await train(page)), { timeout, interval: 50 }).toBe(true);
const waitLab = (page: Page, phase: string, timeout = 120_000) =>
  page.waitForFunction((p) => window.rnnGdDemo.lab().phase === p, phase, { timeout, polling: 100 });
const hashOf = (url: string) => Object.fromEntries(new URLSearchParams(new URL(url).hash.slice(1)));
/** What must agree between two runs of a point: everything but the timing and the runtime's name. */
const comparable = (r: { timing: unknown; run: object }) => {
  const { timing: _t, run, ...rest } = r;
  return { ...rest, run: { ...run, runtime: '' } };
};

describe('demo page: a link reproduces a run or a sweep', () => {
  let server: StaticServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** A page in a browser context of its own (its own IndexedDB: nothing checkpointed). */
  async function freshPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    contexts.push(context);
    const page = await context.newPage();
    return { page, errors: watchErrors(page) };
  }

  beforeAll(async () => {
    server = await serve({ '/': `${REPO}web/dist` });
    browser = await launch();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });

  it('the URL holds the whole setting from the start; the copied link reproduces a run bit for bit elsewhere', async () => {
    const a = await freshPage();
    await a.page.goto(`${server.url}/index.html`);
    await waitTrain(a.page, (s) => s.phase === 'idle');
    // Before any change, the address already names every field (the page's defaults).
    const first = hashOf(a.page.url());
    const values = (await train(a.page)).values;
    expect(first).toMatchObject({ ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')) });
    expect(first).toMatchObject({ system: 'transport', m: '256', seed: '1', exp: 'E1', size: 'quick' });

    // A setting made in the form, then "Copy link".
    await a.page.getByLabel('System', { exact: true }).selectOption('delay');
    await a.page.locator('#data-details > summary').click(); // k is a folded teacher detail
    await a.page.getByLabel('Delay k', { exact: true }).fill('3');
    await a.page.getByLabel('Width m', { exact: true }).fill('48');
    await a.page.getByLabel('Steps τ', { exact: true }).fill('120');
    await a.page.getByLabel('Sequences n', { exact: true }).fill('96');
    await a.page.getByLabel('Activation', { exact: true }).selectOption('relu');
    await a.page.getByLabel('Seed (data, init and batches)', { exact: true }).fill('11');
    await a.page.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => a.page.locator('#copy-status').textContent()).toMatch(/^Link copied/);
    const link = await a.page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(a.page.url());
    expect(hashOf(link)).toMatchObject({
      system: 'delay',
      k: '3',
      m: '48',
      steps: '120',
      activation: 'relu',
      seed: '11',
    });
    await a.page.getByRole('button', { name: 'Start run' }).click();
    await waitTrain(a.page, (s) => s.runs[0]?.status === 'completed');
    const ran = (await train(a.page)).runs[0].records;

    // The link in a fresh browser: the same form, and the same run, bit for bit.
    const b = await freshPage();
    await b.page.goto(link);
    await waitTrain(b.page, (s) => s.phase === 'idle');
    expect((await train(b.page)).values).toEqual((await train(a.page)).values);
    expect(await b.page.getByLabel('Delay k', { exact: true }).isVisible()).toBe(true);
    await b.page.getByRole('button', { name: 'Start run' }).click();
    await waitTrain(b.page, (s) => s.runs[0]?.status === 'completed');
    // Everything but the wall-clock time of each record.
    const numbers = (rs: typeof ran) => rs.map(({ wallMs: _w, ...r }) => r);
    const again = (await train(b.page)).runs[0].records;
    expect(again.length).toBe(ran.length);
    expect(numbers(again)).toEqual(numbers(ran));
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('a link opened in a tab that shows the page takes effect without a reload, after the run in progress', async () => {
    const { page, errors } = await freshPage();
    await page.goto(`${server.url}/index.html#m=32&n=64&nTest=32&steps=40000&seed=4`);
    await waitTrain(page, (s) => s.phase === 'idle');
    await page.evaluate(() => Object.assign(window, { loadedAt: performance.timeOrigin }));
    await page.getByRole('button', { name: 'Start run' }).click();
    await waitTrain(page, (s) => s.phase === 'running');
    // A new link arrives during the run: the run keeps its setting, the form takes the link's after it.
    await page.evaluate(() => {
      location.hash = 'system=narma10&m=64&n=64&nTest=32&steps=30&seed=9';
    });
    await page.waitForTimeout(300);
    expect((await train(page)).phase).toBe('running');
    expect(await page.getByLabel('Width m', { exact: true }).inputValue()).toBe('32');
    await page.getByRole('button', { name: 'Pause' }).click();
    await waitTrain(page, (s) => s.phase === 'paused');
    expect(await page.getByLabel('System', { exact: true }).inputValue()).toBe('narma10');
    expect(await page.getByLabel('Width m', { exact: true }).inputValue()).toBe('64');
    expect(await page.getByLabel('Seed (data, init and batches)', { exact: true }).inputValue()).toBe('9');
    // Fields the link does not name take their defaults; the address then holds the whole setting.
    expect(await page.getByLabel('Projection', { exact: true }).inputValue()).toBe('maxnorm');
    expect(hashOf(page.url())).toMatchObject({ system: 'narma10', m: '64', eta: '0.2', 'projection.rho': '10' });

    // A link to the experiments view switches the view and fills its setting.
    await page.evaluate(() => {
      location.hash = 'view=lab&exp=E2&size=quick&seeds=2&workers=1';
    });
    await expect.poll(() => page.locator('#view-lab').isVisible()).toBe(true);
    expect(await page.getByLabel('Experiment', { exact: true }).inputValue()).toBe('E2');
    expect(await page.getByLabel('Seeds', { exact: true }).inputValue()).toBe('2');
    expect(await page.getByLabel('Workers', { exact: true }).inputValue()).toBe('1');
    expect(await page.locator('#lab-plan').textContent()).toMatch(/× 2 seed\(s\)\)\.$/);
    // Still the same document: no reload happened.
    expect(await page.evaluate(() => (window as unknown as { loadedAt: number }).loadedAt)).toBe(
      await page.evaluate(() => performance.timeOrigin),
    );
    expect(errors).toEqual([]);
  });

  it('a sweep link reproduces the sweep point for point in a fresh browser, and shows it again where it ran', async () => {
    const a = await freshPage();
    await a.page.goto(`${server.url}/index.html`);
    await a.page.getByRole('tab', { name: 'Experiments' }).click();
    await a.page.getByLabel('Experiment', { exact: true }).selectOption('E4');
    await a.page.getByLabel('Seeds', { exact: true }).fill('1');
    await a.page.getByLabel('Workers', { exact: true }).fill('2');
    const link = a.page.url();
    expect(hashOf(link)).toMatchObject({ view: 'lab', exp: 'E4', size: 'quick', seeds: '1', workers: '2' });
    await a.page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitLab(a.page, 'done');
    const ran = await lab(a.page);
    expect(ran.results.length).toBe(6);

    // Elsewhere (no checkpoint): the link fills the setting and runs the same points.
    const b = await freshPage();
    await b.page.goto(link);
    await waitLab(b.page, 'idle');
    expect(await b.page.getByLabel('Experiment', { exact: true }).inputValue()).toBe('E4');
    expect(await b.page.locator('#lab-plan').textContent()).toMatch(/^6 points/);
    expect((await lab(b.page)).results).toEqual([]);
    await b.page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitLab(b.page, 'done');
    const again = await lab(b.page);
    expect(again.key).toBe(ran.key);
    expect(again.verdict).toBe(ran.verdict);
    expect(again.results.map(comparable)).toEqual(ran.results.map(comparable));

    // In the tab where it ran: a link to another setting clears the report, the link back shows it
    // from the checkpoint (nothing runs).
    await a.page.evaluate(() => {
      location.hash = 'view=lab&exp=E4&size=quick&seeds=2&workers=2';
    });
    await waitLab(a.page, 'idle', 10_000);
    expect((await lab(a.page)).results).toEqual([]);
    expect(await a.page.locator('#lab-verdict').isVisible()).toBe(false);
    await a.page.evaluate((h) => {
      location.hash = h;
    }, new URL(link).hash);
    await waitLab(a.page, 'done', 10_000);
    expect((await lab(a.page)).results).toEqual(ran.results);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
