/**
 * No script from data in the lab (issue 22, item 1): a finished sweep stored in IndexedDB whose
 * points carry script payloads (in ids, error messages, run fields) is shown by the experiments
 * view with every payload as text and nothing run; the page's markdown renderer drops raw HTML;
 * and the page's Content-Security-Policy blocks an inline event handler that got in anyway.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorResult,
  getExperiment,
  newManifest,
  planSweep,
  sweepFingerprint,
  type PointResult,
} from '../../dist/experiments/node.js';
import { XSS_PAYLOADS } from '../xss-payloads.js';
import { launch, REPO, serve, type StaticServer } from './helpers.js';

/** The E4 (quick, one seed) sweep the lab plans, every point failed with a payload. */
function hostileSweep() {
  const exp = getExperiment('E4');
  const points = planSweep(exp, 'quick', { seeds: 1 });
  const manifest = newManifest({
    experiment: exp.id,
    title: exp.title,
    size: 'quick',
    seeds: 1,
    totalPoints: points.length,
    fingerprint: sweepFingerprint(points),
    shard: null,
    backend: 'wasm',
    search: false,
  });
  const results: PointResult[] = points.map((p, i) => {
    const r = errorResult(p, new Error(XSS_PAYLOADS.slice(i * 2, i * 2 + 2).join(' ')), 'wasm');
    return { ...r, run: { ...r.run!, runtime: XSS_PAYLOADS[(i + 12) % XSS_PAYLOADS.length] } };
  });
  return { manifest, results, key: `${manifest.experiment}:${manifest.fingerprint}:${manifest.backend}` };
}

/** Everything in the page that could run: event-handler attributes, script elements from data, script links. */
const runnable = (page: Page) =>
  page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name)) found.push(`${el.tagName} ${a.name}`);
      if (/^(iframe|object|embed)$/i.test(el.tagName)) found.push(el.tagName);
    }
    for (const s of Array.from(document.querySelectorAll('script'))) if (!s.src) found.push('inline script');
    for (const a of Array.from(document.querySelectorAll('[href]')))
      if (/^\s*javascript:/i.test(a.getAttribute('href')!)) found.push(`javascript: link ${a.outerHTML}`);
    return found;
  });
const fired = (page: Page) => page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null);

describe('lab: no script from data', () => {
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

  it('a stored sweep with payloads in its points is shown as text, and nothing runs', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/index.html`);
    const { manifest, results, key } = hostileSweep();
    // the same records the lab writes (web/src/lab/sweep-store.ts)
    await page.evaluate(
      ({ manifest, results, key }) =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('rnn-gd-lab', 1);
          req.onupgradeneeded = () => {
            req.result.createObjectStore('sweeps', { keyPath: 'key' });
            req.result.createObjectStore('points', { keyPath: ['sweep', 'id'] }).createIndex('sweep', 'sweep');
          };
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const t = req.result.transaction(['sweeps', 'points'], 'readwrite');
            t.objectStore('sweeps').put({ key, manifest, status: 'completed', updatedAt: new Date().toISOString() });
            for (const r of results) t.objectStore('points').put({ sweep: key, id: r.id, result: r });
            t.oncomplete = () => {
              req.result.close();
              resolve();
            };
            t.onerror = () => reject(t.error);
          };
        }),
      { manifest, results, key },
    );
    await page.goto(`${server.url}/index.html#view=lab&exp=E4&size=quick&seeds=1&workers=1`);
    await page.reload();
    await page.waitForFunction(
      () => (window as unknown as { rnnGdDemo: { lab(): { phase: string } } }).rnnGdDemo.lab().phase === 'done',
      null,
      { timeout: 30_000, polling: 100 },
    );
    await page.waitForSelector('#lab-report table');
    await page.waitForTimeout(300); // an image's onerror would have fired by now
    const text = (await page.locator('#lab-report').textContent())!.replace(/\s+/g, ' ');
    for (const p of XSS_PAYLOADS.slice(0, results.length * 2)) expect(text).toContain(p.replace(/\s+/g, ' '));
    expect(await runnable(page)).toEqual([]);
    expect(await fired(page)).toBeNull();
    await context.close();
  });

  it("the page's markdown renderer keeps no raw HTML, event handler or script link", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/index.html`);
    for (const payload of XSS_PAYLOADS) {
      const html = await page.evaluate(
        (md) =>
          (
            window as unknown as { rnnGdDemo: { renderMarkdown(md: string): Promise<string> } }
          ).rnnGdDemo.renderMarkdown(md),
        payload,
      );
      const probe = await page.evaluate((h) => {
        const div = document.createElement('div');
        div.innerHTML = h;
        return Array.from(div.querySelectorAll('*')).flatMap((el) => [
          ...(/^(script|iframe|svg|img|object|embed|details)$/i.test(el.tagName) ? [el.tagName] : []),
          ...Array.from(el.attributes)
            .filter((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value))
            .map((a) => a.name),
        ]);
      }, html);
      expect(probe, `${payload} -> ${html}`).toEqual([]);
    }
    await page.waitForTimeout(300);
    expect(await fired(page)).toBeNull();
    await page.close();
  });

  it('the Content-Security-Policy blocks an inline event handler that got into the page', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${server.url}/index.html`);
    await page.evaluate(() => {
      document.body.insertAdjacentHTML(
        'beforeend',
        `<img src="data:," onerror="window.__xss='csp'" onload="window.__xss='csp'">`,
      );
      const s = document.createElement('script');
      s.textContent = "window.__xss = 'inline script'";
      document.body.append(s);
    });
    await page.waitForTimeout(500);
    expect(await fired(page)).toBeNull();
    expect(violations.length).toBeGreaterThan(0);
    await page.close();
  });
});
