/**
 * ts/parallel in a cross-origin-isolated page (COOP same-origin + COEP require-corp): module
 * Web Workers, SharedArrayBuffer and Atomics.wait in the workers. The page's results must be
 * bit-identical to the same run in Node (same wasm, same fixed reduction order).
 * Needs Debian's chromium (scripts/setup-browser.sh) and a build (make build).
 */
import { cpSync, existsSync, rmSync, writeFileSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialize } from '../../ts/train/init.js';
import { randomData } from '../helpers.js';
import { tempDir } from '../support/fs.js';

const CHROMIUM = process.env.RNN_GD_CHROMIUM ?? '/usr/bin/chromium';
const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

type Run = { losses: number[]; W: number[]; grad1: number[]; grad2: number[]; isolated: boolean };

/**
 * The scenario, as plain JS source (run in the page and, for comparison, in Node): gradients
 * with 1 and 2 workers, then 12 steps with 2 workers. Kept as a string so the test runner's
 * transforms never touch what the browser executes.
 */
const SCENARIO = `
export async function scenario(ParallelTrainer, p, d, extra = {}) {
  const f64 = (a) => Float64Array.from(a);
  const params = { spec: p.spec, W: f64(p.W), U: f64(p.U), c: f64(p.c), W0: f64(p.W), U0: f64(p.U) };
  const data = { n: d.n, T: d.T, d: d.d, X: Float32Array.from(d.X), Y: Float32Array.from(d.Y) };
  const grads = [];
  for (const workers of [1, 2]) {
    const t = await ParallelTrainer.create(params, data, { workers, ...extra });
    await t.lossGrad();
    grads.push(Array.from(t.gradient().gradW));
    await t.free();
  }
  const t = await ParallelTrainer.create(params, data, { workers: 2, ...extra });
  const r = await t.train(12, 0.3, { kind: 'maxnorm', rho: 1 });
  const W = Array.from(t.params().W);
  await t.free();
  return { losses: Array.from(r.losses), W, grad1: grads[0], grad2: grads[1], isolated: globalThis.crossOriginIsolated ?? false };
}
`;

describe('parallel training in a cross-origin-isolated page', () => {
  let dir = '';
  let url = '';
  let close = async () => {};

  beforeAll(async () => {
    // A browser bundle of dist/parallel (index + worker), beside a copy of the wasm packages
    // (the loader looks for ../wasm-pkg/<flavor>/ relative to the module).
    const { build } = await import('esbuild');
    dir = tempDir('parallel-browser');
    await build({
      entryPoints: { index: 'dist/parallel/index.js', worker: 'dist/parallel/worker.js' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: join(dir, 'p'),
      external: ['node:*'],
      logLevel: 'error',
    });
    cpSync('dist/wasm-pkg', join(dir, 'wasm-pkg'), { recursive: true });
    writeFileSync(join(dir, 'p', 'index.html'), '<!doctype html><title>parallel</title>');
    writeFileSync(join(dir, 'p', 'scenario.js'), SCENARIO);
    const server = createServer((req, res) => {
      const file = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        'cache-control': 'no-store',
      });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      });
  });

  afterAll(async () => {
    await close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trains with 2 module workers, bit-identical to Node', async () => {
    const params = initialize(
      { recurrence: 'dense', activation: 'tanh', readout: 'final', m: 16, d: 3, alpha: 0.9 },
      { seed: 'browser' },
    );
    for (let i = 0; i < params.W.length; i++) params.W[i] = Math.fround(params.W[i] + 0.3 * Math.sin(i));
    const data = randomData(30, 8, 3, 'final', 'browser');
    const p = { spec: params.spec, W: Array.from(params.W), U: Array.from(params.U), c: Array.from(params.c) };
    const d = {
      n: data.n,
      T: data.T,
      d: data.d,
      X: Array.from(Float32Array.from(data.X)),
      Y: Array.from(Float32Array.from(data.Y)),
    };

    const { ParallelTrainer } = await import('../../dist/parallel/index.js' as string);
    const { scenario } = await import(/* @vite-ignore */ pathToFileURL(join(dir, 'p', 'scenario.js')).href);
    // Node on wasm like the page (Node's default, native, fuses multiply-adds: docs/performance.md).
    const node = (await scenario(ParallelTrainer, p, d, { backend: 'wasm' })) as Run;

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
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
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${url}/p/index.html`);
      const web = (await page.evaluate(`(async () => {
        const { scenario } = await import('/p/scenario.js');
        const { ParallelTrainer } = await import('/p/index.js');
        return scenario(ParallelTrainer, ${JSON.stringify(p)}, ${JSON.stringify(d)});
      })()`)) as Run;
      expect(errors).toEqual([]);
      expect(web.isolated).toBe(true);
      expect(web.losses).toHaveLength(12);
      expect(web.losses[11]).toBeLessThan(web.losses[0]);
      expect(web.losses).toEqual(node.losses);
      expect(web.W).toEqual(node.W);
      expect(web.grad1).toEqual(node.grad1);
      expect(web.grad2).toEqual(node.grad2);
      expect(web.grad2).toEqual(web.grad1); // independent of the number of workers
    } finally {
      await browser.close();
    }
  });
});
