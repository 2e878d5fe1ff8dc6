/**
 * loadModel(url) within bounds (issue 22, item 5), against a local HTTP server on 127.0.0.1: a
 * stalled server or body times out (option timeoutMs; 60 s by default), a content-length over the
 * limit is refused before any body byte is read, a body that streams past the limit is cut off as
 * it arrives, a small gzip body that expands past the limit is refused once decoded bytes pass it,
 * and the caller's AbortSignal stops the fetch.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError, ValidationError } from '../../ts/core/errors.js';
import { initialize } from '../../ts/train/init.js';
import { loadModel as loadNode } from '../../ts/io/model-file.js';
import { modelFileText } from '../../ts/io/model-json.js';
import { loadModel } from '../../ts/io/model-source.js';

const MiB = 2 ** 20;
const model = modelFileText(initialize({ recurrence: 'diagonal', m: 4, d: 2, alpha: 0.5 }, { seed: 'fetch' }));
/** Bytes each streaming route has written before the client hung up. */
const sent: Record<string, number> = {};

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/model.json': (_q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(model),
  '/model.json.gz': (_q, res) =>
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(model)),
  '/stall': () => {
    /* never answers */
  },
  '/stall-body': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(model.length) });
    res.write(model.slice(0, 10)); // then nothing
  },
  '/huge-header': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 ** 40) });
    res.write('{'); // a body that would take days
  },
  '/endless': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }); // chunked, no length
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    sent['/endless'] = 0;
    const pump = () => {
      while (!res.destroyed && sent['/endless'] < 1024 * MiB) {
        sent['/endless'] += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  },
  '/bomb': (_q, res) => {
    // 64 MiB of spaces, gzipped to about 64 KiB
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(Buffer.alloc(64 * MiB, 0x20)));
  },
};

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

/** How long `p` takes to settle, and with what. */
async function timed<T>(p: Promise<T>): Promise<{ ms: number; error: unknown; value?: T }> {
  const t0 = Date.now();
  try {
    const value = await p;
    return { ms: Date.now() - t0, error: null, value };
  } catch (error) {
    return { ms: Date.now() - t0, error };
  }
}

describe('loadModel(url) is bounded', () => {
  it('loads a model, plain and gzip-encoded, from the universal and the Node entry', async () => {
    for (const url of [`${base}/model.json`, `${base}/model.json.gz`]) {
      expect((await loadModel(url)).spec.m).toBe(4);
      expect((await loadNode(new URL(url))).spec.m).toBe(4);
    }
  });

  it('a stalled server, or a body that stalls, times out (timeoutMs)', async () => {
    for (const path of ['/stall', '/stall-body']) {
      const r = await timed(loadModel(`${base}${path}`, { timeoutMs: 400 }));
      expect(r.error).toBeInstanceOf(UserError);
      expect(String(r.error)).toMatch(/no complete answer within 0.4 s \(option timeoutMs of loadModel waits longer\)/);
      expect(r.ms).toBeLessThan(5_000);
    }
  });

  it('a content-length over the limit is refused at once, before the body', async () => {
    const r = await timed(loadModel(`${base}/huge-header`));
    expect(r.error).toBeInstanceOf(ValidationError);
    expect(String(r.error)).toMatch(
      /content-length 1099511627776 bytes, more than the 268435456 bytes a model file may have/,
    );
    expect(r.ms).toBeLessThan(3_000);
  });

  it('a body streaming past the limit is cut off as it arrives (the server is hung up on)', async () => {
    const r = await timed(loadModel(`${base}/endless`, { maxBytes: 4 * MiB }));
    expect(r.error).toBeInstanceOf(ValidationError);
    expect(String(r.error)).toMatch(/the body has over \d+ bytes, more than the 4194304 bytes/);
    await new Promise((ok) => setTimeout(ok, 200));
    expect(sent['/endless']).toBeLessThan(256 * MiB);
  });

  it('a gzip body that expands past the limit is refused once the decoded bytes pass it', async () => {
    const r = await timed(loadModel(`${base}/bomb`, { maxBytes: 8 * MiB }));
    expect(r.error).toBeInstanceOf(ValidationError);
    expect(String(r.error)).toMatch(/the body has over \d+ bytes once decoded, more than the 8388608 bytes/);
  });

  it("the caller's AbortSignal stops the fetch with its reason, at once", async () => {
    const controller = new AbortController();
    const reason = new Error('stopped by the caller');
    setTimeout(() => controller.abort(reason), 150);
    const r = await timed(loadModel(`${base}/stall`, { signal: controller.signal }));
    expect(r.error).toBe(reason);
    expect(r.ms).toBeLessThan(3_000);
    const done = AbortSignal.abort(reason);
    await expect(loadModel(`${base}/model.json`, { signal: done })).rejects.toBe(reason);
  });

  it('bad limits are ValidationErrors naming the option', async () => {
    await expect(loadModel(`${base}/model.json`, { timeoutMs: 0 })).rejects.toThrow(/option timeoutMs/);
    await expect(loadModel(`${base}/model.json`, { timeoutMs: NaN })).rejects.toThrow(/option timeoutMs/);
    await expect(loadModel(`${base}/model.json`, { maxBytes: -1 })).rejects.toThrow(/option maxBytes/);
    await expect(loadModel(`${base}/model.json`, { signal: 'stop' as never })).rejects.toThrow(/option signal/);
  });
});
