/**
 * Saving and loading a model in one call: the universal functions (modelBlob, loadModel from a
 * Blob, File, Response or URL; ts/io/model-source.ts, no DOM library needed: Node 20 has Blob,
 * File, Response) and the Node ones (saveModel, loadModel from a path or file: URL).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError, ValidationError } from '../../ts/core/errors.js';
import { initialize } from '../../ts/train/init.js';
import { loadModel as loadFromFile, saveModel } from '../../ts/io/model-file.js';
import { modelFileText } from '../../ts/io/model-json.js';
import { loadModel, modelBlob } from '../../ts/io/model-source.js';
import { tempDir } from '../support/fs.js';

const dir = tempDir('model-source');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const params = () => {
  const p = initialize({ recurrence: 'dense', readout: 'all', m: 4, d: 3, alpha: 0.7 }, { seed: 'source' });
  p.W[1] += 0.25; // trained away from W0: W and W0 must both survive
  return p;
};

describe('universal: modelBlob and loadModel', () => {
  it('a Blob round trip keeps every value exactly, and meta', async () => {
    const p = params();
    const blob = modelBlob(p, { note: 'x', step: 3 });
    expect(blob.type).toBe('application/json');
    expect(await blob.text()).toBe(modelFileText({ ...p, meta: { note: 'x', step: 3 } }));
    const back = await loadModel(blob);
    expect(back).toEqual({ ...p, meta: { note: 'x', step: 3 } });
  });

  it('a File names itself in errors; a Response and its HTTP status', async () => {
    const text = modelFileText(params());
    expect((await loadModel(new Response(text))).spec.m).toBe(4);
    const broken = text.replace('"m": 4', '"m": 5');
    await expect(loadModel(new File([broken], 'mine.json'))).rejects.toThrow(/model file mine.json: field 'm'/);
    await expect(loadModel(new File(['{'], 'cut.json'))).rejects.toThrow(/model file cut.json: invalid JSON/);
    const missing = new Response('not found', { status: 404, statusText: 'Not Found' });
    await expect(loadModel(missing)).rejects.toThrow(/HTTP 404 Not Found/);
  });

  it('a URL is fetched (a data: URL here), and an unfetchable one is a user error', async () => {
    const url = `data:application/json,${encodeURIComponent(modelFileText(params()))}`;
    expect((await loadModel(url)).spec.readout).toBe('all');
    const err = await loadModel('http://127.0.0.1:1/model.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/model file http:\/\/127.0.0.1:1\/model.json: could not fetch it/);
  });

  it('anything else is refused with what it got', async () => {
    const err = await loadModel(42 as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/expected a Blob, File, Response or URL, got number/);
  });

  it('modelBlob refuses parameters that would not read back', () => {
    const p = params();
    p.U[2] = NaN;
    expect(() => modelBlob(p)).toThrow(/field 'U' entry 2 is not a finite number/);
  });
});

describe('Node: saveModel and loadModel by path', () => {
  it('round trip through a path and a file: URL, meta given or kept', async () => {
    const p = params();
    const path = join(dir, 'm.json');
    saveModel(path, p, { run: 'a' });
    expect(readFileSync(path, 'utf8')).toBe(modelFileText({ ...p, meta: { run: 'a' } }));
    const back = await loadFromFile(path);
    expect(back).toEqual({ ...p, meta: { run: 'a' } });
    saveModel(join(dir, 'again.json'), back); // the model's own meta is kept
    expect((await loadFromFile(pathToFileURL(join(dir, 'again.json')))).meta).toEqual({ run: 'a' });
    expect((await loadFromFile(modelBlob(p))).spec).toEqual(p.spec); // and the universal sources
  });

  it('a missing file names its path', async () => {
    await expect(loadFromFile(join(dir, 'none.json'))).rejects.toThrow(/none\.json/);
  });
});
