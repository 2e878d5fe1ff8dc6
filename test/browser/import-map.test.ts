/**
 * docs/examples/import-map.html, the import-map recipe for `rnn-gd/bundle`, in Debian's chromium.
 * As written the page is self-hosted: its map points into /node_modules/rnn-gd/, served from the
 * files of the tarball `npm pack` makes of this repository (the README's install path). With the
 * jsDelivr and unpkg URLs its comment gives for the published package (not fetchable here: the
 * browser's requests to the CDNs are answered from the same files), with `rnn-gd/bundle/wasm-file`
 * (the `.wasm` fetched from the CDN), and from another origin, which must send CORS headers as the
 * CDNs do (Playwright adds them to the answers it fakes, so that part is checked with a real
 * second server); a map that points at the unbundled entry fails as docs/browser.md says.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, MIME, REPO, serve, watchErrors, type StaticServer } from './helpers.js';
import { tempDir } from '../support/fs.js';

const EXAMPLE = join(REPO, 'docs', 'examples', 'import-map.html');
const VERSION = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
const JSDELIVR = `https://cdn.jsdelivr.net/npm/rnn-gd@${VERSION}/`;
const UNPKG = `https://unpkg.com/rnn-gd@${VERSION}/`;
const SELF = '/node_modules/rnn-gd/';
const toCdn = (base: string) => (h: string) => h.replaceAll(`"${SELF}`, `"${base}`);

interface Result {
  status: string;
  backend?: string;
  source?: string;
  risks?: number[];
  message?: string;
}

describe('docs/examples/import-map.html', () => {
  let server: StaticServer;
  /** The packed files on another origin (localhost, not 127.0.0.1), with and without CORS headers. */
  let cors: StaticServer;
  let noCors: StaticServer;
  let browser: Browser;
  let tmp: string;
  /** The packed package's files (the tarball's package/ directory). */
  let pkg: string;
  const html = readFileSync(EXAMPLE, 'utf8');

  beforeAll(async () => {
    tmp = tempDir('import-map');
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--silent', '--pack-destination', tmp], { cwd: REPO, encoding: 'utf8' }),
    ) as { filename: string }[];
    execFileSync('tar', ['-xzf', join(tmp, packed[0].filename), '-C', tmp]);
    pkg = join(tmp, 'package');
    server = await serve({ '/node_modules/rnn-gd/': pkg, '/': join(REPO, 'docs', 'examples') });
    cors = await serve({ '/': pkg }, { 'access-control-allow-origin': '*' });
    noCors = await serve({ '/': pkg });
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await cors?.close();
    await noCors?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Answers requests below `base` from the packed files, as a CDN does (MIME type, CORS); logs them. */
  async function cdn(page: Page, base: string, log: string[]): Promise<void> {
    await page.route(`${base}**`, async (route) => {
      const rel = normalize(decodeURIComponent(route.request().url().slice(base.length)));
      const file = join(pkg, rel);
      log.push(rel);
      if (rel.startsWith('..') || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      await route.fulfill({
        status: 200,
        body: readFileSync(file),
        headers: {
          'content-type': MIME[extname(file)] ?? 'application/octet-stream',
          'access-control-allow-origin': '*',
        },
      });
    });
  }

  /** Opens the example (its HTML passed through `edit`) and waits for its result. */
  async function open(edit: (h: string) => string, cdnBases: string[] = []) {
    // A CDN is on the public internet; the stand-in on localhost needs Chromium's local-network
    // permission to be reached from the page (which a real CDN does not).
    const page = await browser.newPage({ permissions: ['local-network-access'] });
    const errors = watchErrors(page);
    const requests: string[] = [];
    for (const base of cdnBases) await cdn(page, base, requests);
    await page.route(`${server.url}/import-map.html`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: edit(html) }),
    );
    await page.goto(`${server.url}/import-map.html`);
    return { page, errors, requests };
  }
  const result = (page: Page) =>
    page
      .waitForFunction(() => 'result' in window, null, { timeout: 60_000 })
      .then(() => page.evaluate(() => (window as unknown as { result: Result }).result));

  function expectTrained(r: Result, source: 'inline' | 'file'): void {
    expect(r).toMatchObject({ status: 'completed', backend: 'wasm simd128 f32', source });
    expect(r.risks).toHaveLength(5);
    expect(r.risks![4]).toBeLessThan(0.5 * r.risks![0]);
  }

  it("self-hosted first; the CDN lines of its comment name this version's bundle files, which are in the packed tarball", () => {
    const map = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]) as {
      imports: Record<string, string>;
    };
    expect(map.imports).toEqual({
      'rnn-gd/bundle': `${SELF}dist/bundle/index.js`,
      'rnn-gd/bundle/wasm-file': `${SELF}dist/bundle/wasm-file.js`,
    });
    for (const url of Object.values(map.imports)) expect(existsSync(join(pkg, url.slice(SELF.length)))).toBe(true);
    const comment = /<!--([\s\S]*?)-->/.exec(html)![1];
    expect(comment).toContain('Once rnn-gd is published on npm');
    for (const url of Object.values(map.imports)) expect(comment).toContain(`"${url.replace(SELF, JSDELIVR)}"`);
    // The map comes before the first module script.
    expect(html.indexOf('type="importmap"')).toBeLessThan(html.indexOf('type="module"'));
  });

  it('as written (self-hosted): trains a few steps with the inlined wasm', async () => {
    const { page, errors } = await open((h) => h);
    expectTrained(await result(page), 'inline');
    expect(await page.getByRole('status').textContent()).toMatch(/^completed: 200 steps on wasm simd128 f32/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('from jsDelivr once published: trains with the inlined wasm, every file from the package', async () => {
    const { page, errors, requests } = await open(toCdn(JSDELIVR), [JSDELIVR]);
    expectTrained(await result(page), 'inline');
    expect(requests[0]).toBe('dist/bundle/index.js');
    expect(requests.every((r) => r.startsWith('dist/bundle/'))).toBe(true);
    expect(requests.some((r) => r.endsWith('.wasm'))).toBe(false);
    expect(await page.getByRole('status').textContent()).toMatch(/^completed: 200 steps on wasm simd128 f32/);
    expect(await page.locator('#risks tbody tr').count()).toBe(5);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('from unpkg, and with rnn-gd/bundle/wasm-file: the .wasm comes from the CDN as application/wasm', async () => {
    const toUnpkg = toCdn(UNPKG);
    const plain = await open(toUnpkg, [UNPKG]);
    expectTrained(await result(plain.page), 'inline');
    expect(plain.errors).toEqual([]);
    await plain.page.close();

    const { page, errors, requests } = await open(
      (h) => toUnpkg(h).replace("from 'rnn-gd/bundle';", "from 'rnn-gd/bundle/wasm-file';"),
      [UNPKG],
    );
    const wasm: string[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.wasm')) wasm.push(`${r.status()} ${r.headers()['content-type']} ${r.url()}`);
    });
    expectTrained(await result(page), 'file');
    expect(requests[0]).toBe('dist/bundle/wasm-file.js');
    expect(requests).toContain('dist/wasm-pkg/simd/rnn_wasm_bg.wasm');
    expect(requests.some((r) => r.includes('rnn_wasm_inline'))).toBe(false);
    expect(wasm).toEqual([`200 application/wasm ${UNPKG}dist/wasm-pkg/simd/rnn_wasm_bg.wasm`]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('from another origin: works with Access-Control-Allow-Origin (as the CDNs send it), fails without', async () => {
    const other = (s: StaticServer) => s.url.replace('127.0.0.1', 'localhost') + '/';
    for (const entry of ['rnn-gd/bundle', 'rnn-gd/bundle/wasm-file'] as const) {
      const edit = (h: string) => toCdn(other(cors))(h).replace("from 'rnn-gd/bundle';", `from '${entry}';`);
      const { page, errors } = await open(edit);
      expectTrained(await result(page), entry.endsWith('wasm-file') ? 'file' : 'inline');
      expect(errors).toEqual([]);
      await page.close();
    }
    const { page, errors } = await open(toCdn(other(noCors)));
    await expect.poll(() => errors.join('\n'), { timeout: 30_000 }).toMatch(/CORS policy/);
    expect(await page.evaluate(() => 'result' in window)).toBe(false);
    await page.close();
  });

  it("a map to the unbundled entry (dist/entries/index.js) fails: the browser cannot resolve the package's own imports", async () => {
    const { page, errors } = await open((h) =>
      h.replace(`"${SELF}dist/bundle/index.js"`, `"${SELF}dist/entries/index.js"`),
    );
    await expect.poll(() => errors.length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/Failed to resolve module specifier "[\w@/-]+"/);
    expect(await page.evaluate(() => 'result' in window)).toBe(false);
    await page.close();
  });
});
