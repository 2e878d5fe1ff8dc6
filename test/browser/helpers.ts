/**
 * Browser-test plumbing: a static file server on localhost and Debian's chromium driven by
 * playwright-core (docs/toolchain.md: `npx playwright install` cannot download here;
 * scripts/setup-browser.sh installs /usr/bin/chromium).
 */
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = join(REPO, 'test', 'artifacts');
export const CHROMIUM = process.env.RNN_GD_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const haveWebBuild = existsSync(join(REPO, 'web', 'dist', 'index.html'));

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `mounts` (URL prefix -> directory) on 127.0.0.1, with the right MIME types
 * (application/wasm) and any extra response `headers` (CORS, say).
 */
export async function serve(
  mounts: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<StaticServer> {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const mount = entries.find(([prefix]) => path.startsWith(prefix));
    if (!mount) {
      res.writeHead(404).end();
      return;
    }
    const root = resolve(mount[1]);
    let file = normalize(join(root, path.slice(mount[0].length)));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      ...headers,
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Headless Debian chromium with the flags of docs/toolchain.md (playwright gives it a fresh profile). */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects console errors and page errors, to fail tests on any. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/**
 * Runs in the page: samples requestAnimationFrame and setTimeout(0) for `ms`, returns the
 * gaps (frames) and latencies (timers), in ms. Pass as page.evaluate(measureResponsiveness, ms).
 */
export async function measureResponsiveness(ms: number): Promise<{ frames: number[]; timers: number[] }> {
  const frames: number[] = [];
  const timers: number[] = [];
  const end = performance.now() + ms;
  await Promise.all([
    new Promise<void>((done) => {
      let last = performance.now();
      const tick = (t: number) => {
        frames.push(t - last);
        last = t;
        if (t < end) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    }),
    new Promise<void>((done) => {
      const next = () => {
        const t0 = performance.now();
        setTimeout(() => {
          timers.push(performance.now() - t0);
          if (performance.now() < end) setTimeout(next, 10);
          else done();
        }, 0);
      };
      next();
    }),
  ]);
  return { frames: frames.slice(1), timers };
}

export const percentile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
