/**
 * The training view's first screen (issue 24): Start and the first chart are visible without
 * scrolling at 1280 × 900 and on a phone (390 × 844); the teacher's details are folded, each with a
 * one-line hint; the risk legend keys line style (training solid, test dashed) in neutral ink while
 * colour names the run; the bound panel's text follows the chosen system. Screenshots of both
 * first screens go to test/artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact, launch, REPO, serve, watchErrors, type StaticServer } from './helpers.js';

/** The element's box lies inside the viewport (no scrolling needed to see all of it). */
async function inViewport(page: Page, selector: string): Promise<{ box: unknown; inside: boolean }> {
  return page.evaluate((sel) => {
    const r = document.querySelector(sel)!.getBoundingClientRect();
    const inside =
      r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
    return {
      box: { top: r.top, left: r.left, bottom: r.bottom, right: r.right, vw: innerWidth, vh: innerHeight },
      inside,
    };
  }, selector);
}

describe('training view: the first screen', () => {
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

  const sizes = [
    { name: 'desktop', viewport: { width: 1280, height: 900 }, mobile: false },
    { name: 'phone', viewport: { width: 390, height: 844 }, mobile: true },
  ];
  for (const size of sizes) {
    it(`${size.name} (${size.viewport.width} × ${size.viewport.height}): Start and the risk chart without scrolling`, async () => {
      const page = await browser.newPage({
        viewport: size.viewport,
        ...(size.mobile ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
      });
      const errors = watchErrors(page);
      await page.goto(`${server.url}/index.html`);
      await page.waitForSelector('#f-system');
      await page.waitForFunction(() => document.getElementById('chart-risk')!.getBoundingClientRect().height > 100);
      for (const sel of ['#start', '#chart-risk', '#status']) {
        const v = await inViewport(page, sel);
        expect(v.inside, `${sel}: ${JSON.stringify(v.box)}`).toBe(true);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
      await page.screenshot({ path: artifact(`train-first-screen-${size.name}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('folds the teacher details with a hint per field; legends key line style apart from run colour', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/index.html`);
    const details = page.locator('#data-details');
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await page.locator('#data-details > summary').textContent()).toMatch(/κ, β, γ, memory function/);
    for (const label of [
      'Teacher κ',
      'β (list)',
      'γ (list)',
      'Memory function',
      'Antithetic particles',
      'Teacher particles M',
    ]) {
      const input = page.getByLabel(label, { exact: true });
      expect(await input.isVisible(), label).toBe(false);
      const hint = await input.evaluate(
        (el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
      );
      expect(hint.length, label).toBeGreaterThan(10);
      expect(await input.evaluate((el) => el.closest('details')?.id), label).toBe('data-details');
    }
    for (const label of ['System', 'Sequences n', 'Length T', 'Width m', 'Step size η'])
      expect(await page.getByLabel(label, { exact: true }).isVisible(), label).toBe(true);
    await page.locator('#data-details > summary').click();
    expect(await page.getByLabel('Teacher κ', { exact: true }).isVisible()).toBe(true);

    // One run, then its curves: both in the run's colour, training solid and test dashed; the
    // legend's keys are neutral (not the run's colour, not a train/test colour).
    await page.getByLabel('Steps τ', { exact: true }).fill('60');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForFunction(
      () => document.body.dataset.phase === 'idle' && document.querySelectorAll('#chart-risk path.line').length >= 2,
      null,
      { timeout: 120_000 },
    );
    const lines = await page
      .locator('#chart-risk .plot path.line, #chart-risk path.line')
      .evaluateAll((els) =>
        els.map((e) => ({ stroke: getComputedStyle(e).stroke, dash: e.getAttribute('stroke-dasharray') })),
      );
    const curves = lines.filter((l) => l.stroke !== 'none');
    expect(new Set(curves.map((l) => l.stroke)).size).toBe(1); // one run: one colour for both curves
    expect(curves.some((l) => l.dash) && curves.some((l) => !l.dash)).toBe(true);
    const keys = await page
      .locator('#chart-risk .legend line')
      .evaluateAll((els) =>
        els.map((e) => ({ stroke: getComputedStyle(e).stroke, dash: e.getAttribute('stroke-dasharray') })),
      );
    const visibleKeys = keys.filter((k) => k.stroke !== 'none');
    expect(visibleKeys).toHaveLength(2);
    expect(visibleKeys[0].stroke).toBe(visibleKeys[1].stroke);
    expect(visibleKeys[0].stroke).not.toBe(curves[0].stroke);
    expect(await page.locator('#chart-risk .legend').textContent()).toContain('colour = run');
    await page.screenshot({ path: artifact('train-after-run-desktop.png') });
    await page.close();
  });

  it("the bound panel's text follows the system: transport uses its ν_w, ν_u; another system says it is not a transport map", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/index.html`);
    expect(await page.getByLabel('System', { exact: true }).inputValue()).toBe('transport');
    const notes = () => page.locator('#bound-notes').textContent();
    expect(await notes()).toContain('ν_w = 1, ν_u = 1 from the transport teacher');
    expect(await notes()).not.toContain('not a transport map');
    await page.locator('#data-details > summary').click();
    await page.getByLabel('Teacher ν_w', { exact: true }).fill('2');
    await page.getByLabel('Teacher ν_w', { exact: true }).dispatchEvent('change');
    await expect.poll(notes).toContain('ν_w = 2, ν_u = 1 from the transport teacher');
    await page.getByLabel('System', { exact: true }).selectOption('linear-filter');
    await expect.poll(notes).toContain('the linear-filter teacher is not a transport map');
    await page.close();
  });
});
