/**
 * The package's entries (docs/browser.md): the universal entry imports no Node module, each entry
 * loads the wasm from its own source, and the scalar build takes over when SIMD is missing.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { wasmBackend } from '../../ts/backend/wasm-backend.js';
import { loadWasm, simdSupported } from '../../ts/backend/wasm-loader.js';
import { initialize } from '../../ts/train/init.js';
import { randomData, relError } from '../helpers.js';

describe('entries of the built package', () => {
  it('the browser entries import no node:* module (static or dynamic)', async () => {
    for (const entry of [
      'dist/entries/index.js',
      'dist/entries/wasm-file.js',
      'dist/entries/theory.js',
      'dist/data/index.js',
      'dist/entries/memory.js',
    ]) {
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        write: false,
        metafile: true,
        format: 'esm',
        platform: 'neutral',
        splitting: true,
        outdir: '/tmp/rnn-gd-graph',
        mainFields: ['module', 'main'],
        logLevel: 'silent',
      });
      const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
      expect(
        imports.filter((p) => p.startsWith('node:') || /^(fs|path|os|worker_threads|child_process)(\/|$)/.test(p)),
        entry,
      ).toEqual([]);
    }
  });

  it('each entry loads the wasm from its own source', () => {
    const probe = (entry: string) =>
      execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        `
      const m = await import(${JSON.stringify(new URL(`../../${entry}`, import.meta.url).href)});
      const b = await m.getBackend('wasm');
      const w = await m.loadWasm();
      console.log(JSON.stringify({ description: b.description, source: w.source, files: typeof m.saveModel }));
    `,
      ])
        .toString()
        .trim();
    const theoryProbe = () =>
      execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        `
      const t = await import(${JSON.stringify(new URL('../../dist/entries/theory.js', import.meta.url).href)});
      const names = ['bounds', 'constants', 'empiricalNtk', 'kernelBaseline', 'monteCarloKernel', 'kernelAlignment'];
      console.log(JSON.stringify({ regime: t.bounds({ alpha: 0.5, T: 4, m: 8, n: 8 }).regime,
        functions: names.every((k) => typeof t[k] === 'function') }));
    `,
      ])
        .toString()
        .trim();
    // The subpaths hold the long tail; the root does not (it is curated: see the next test).
    const subpathProbe = () =>
      execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        `
      const at = (p) => import(new URL('../../' + p, ${JSON.stringify(import.meta.url)}).href);
      const [data, dataNode, memory, root] = await Promise.all(['dist/data/index.js', 'dist/data/node.js', 'dist/entries/memory.js', 'dist/entries/node.js'].map(at));
      const has = (m, names) => names.filter((k) => typeof m[k] === 'function');
      console.log(JSON.stringify({
        data: has(data, ['generateData', 'generateInputs', 'makeRng', 'makeClassTeacher', 'datasetStats']),
        dataNode: has(dataNode, ['readGenerated', 'writeGenerated', 'readNpyPair']),
        memory: has(memory, ['setMemoryCap', 'getMemoryCap', 'workspaceBytes', 'rowsForBudget', 'ChunkedData']),
        notAtRoot: ['setMemoryCap', 'ChunkedData', 'generateInputs', 'makeRng', 'readGenerated', 'writeFileAtomic'].filter((k) => k in root),
      }));
    `,
      ])
        .toString()
        .trim();
    expect(JSON.parse(probe('dist/entries/node.js'))).toEqual({
      description: 'wasm simd128 f32',
      source: 'file',
      files: 'function',
    });
    expect(JSON.parse(probe('dist/entries/index.js'))).toEqual({
      description: 'wasm simd128 f32',
      source: 'inline',
      files: 'undefined',
    });
    expect(JSON.parse(probe('dist/entries/wasm-file.js'))).toEqual({
      description: 'wasm simd128 f32',
      source: 'file',
      files: 'undefined',
    });
    expect(JSON.parse(probe('dist/bundle/index.js'))).toMatchObject({ source: 'inline' });
    expect(JSON.parse(theoryProbe())).toEqual({ regime: 'short', functions: true });
    expect(JSON.parse(subpathProbe())).toEqual({
      data: ['generateData', 'generateInputs', 'makeRng', 'makeClassTeacher', 'datasetStats'],
      dataNode: ['readGenerated', 'writeGenerated', 'readNpyPair'],
      memory: ['setMemoryCap', 'getMemoryCap', 'workspaceBytes', 'rowsForBudget', 'ChunkedData'],
      notAtRoot: [],
    });
    expect(JSON.parse(probe('dist/bundle/wasm-file.js'))).toMatchObject({ source: 'file' });
  });

  it('rnn-gd/bundle/memory sets the cap that rnn-gd/bundle checks (one shared chunk)', () => {
    const out = execFileSync(process.execPath, [
      '--input-type=module',
      '-e',
      `
      const at = (p) => import(new URL('../../' + p, ${JSON.stringify(import.meta.url)}).href);
      const [memory, bundle, data] = await Promise.all(['dist/bundle/memory.js', 'dist/bundle/index.js', 'dist/bundle/data.js'].map(at));
      const params = bundle.initialize({ recurrence: 'dense', m: 64, d: 2, alpha: 1 });
      const backend = await bundle.getBackend('wasm');
      memory.setMemoryCap(memory.modelBytes(params.spec) - 1);
      let refused = '';
      try { backend.network(params).free(); } catch (e) { refused = e.name; }
      memory.setMemoryCap(null);
      backend.network(params).free();
      console.log(JSON.stringify({ refused, rng: typeof data.makeRng('s').normal() }));
    `,
    ])
      .toString()
      .trim();
    expect(JSON.parse(out)).toEqual({ refused: 'CapacityError', rng: 'number' });
  });
});

describe('the root entry is curated', () => {
  // Adding a name to the root is a decision: put it in this list (and the README), or in a subpath.
  const ROOT_VALUES = [
    'ACTIVATIONS',
    'BoundsInputError',
    'CapacityError',
    'DATA_FORMAT',
    'MODEL_FORMAT',
    'PACKAGE_VERSION',
    'SYSTEMS',
    'Trainer',
    'UseAfterFreeError',
    'UsageError',
    'UserError',
    'ValidationError',
    'bounds',
    'checkDataset',
    'checkFits',
    'cloneParams',
    'dataConfigSchema',
    'dataToJson',
    'encodeNpy',
    'generateData',
    'getBackend',
    'initSchema',
    'initialize',
    'inlineWasmSource',
    'loadModel',
    'loadWasm',
    'metricsCsv',
    'modelBlob',
    'modelFileText',
    'modelSpecSchema',
    'modelToJson',
    'paramCount',
    'paramMetrics',
    'parseDataConfig',
    'parseDataFile',
    'parseInitOptions',
    'parseModelFile',
    'parseModelSpec',
    'parseNpy',
    'parseTrainOptions',
    'predict',
    'prepareRun',
    'readoutOf',
    'relaxedSimdSupported',
    'runInfo',
    'setWasmSource',
    'simdSupported',
    'targetsPerSequence',
    'trainSchema',
    'tsBackend',
    'wBar',
    'wasmBackend',
    'wasmSourceName',
  ];
  const NODE_ONLY = ['readData', 'readNpy', 'saveModel', 'writeData', 'writeNpy'];

  it('exports exactly the README-level values (Node adds the file functions)', async () => {
    const universal = await import(new URL('../../dist/entries/index.js', import.meta.url).href);
    const node = await import(new URL('../../dist/entries/node.js', import.meta.url).href);
    expect(Object.keys(universal).sort()).toEqual([...ROOT_VALUES].sort());
    expect(Object.keys(node).sort()).toEqual([...ROOT_VALUES, ...NODE_ONLY].sort());
  });
});

describe('scalar fallback', () => {
  afterEach(() => vi.restoreAllMocks());

  it('an engine without SIMD gets the scalar build', async () => {
    const validate = WebAssembly.validate;
    // What an engine without SIMD128 answers for the probe module (and only for it).
    vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes) =>
      (bytes as Uint8Array).byteLength < 64 ? false : validate(bytes),
    );
    expect(simdSupported()).toBe(false);
    const wasm = await loadWasm();
    expect(wasm.flavor).toBe('scalar');
    expect(wasm.pkg.simd_enabled()).toBe(false);
  });

  it('the scalar build agrees with the float64 reference (outputs, loss, gradients)', async () => {
    const scalar = await wasmBackend('scalar');
    expect(scalar.description).toBe('wasm scalar f32');
    const reference = tsBackend({ dtype: 'float64' });
    for (const [recurrence, readout] of [
      ['dense', 'final'],
      ['diagonal', 'all'],
    ] as const) {
      const p = initialize({ recurrence, activation: 'tanh', readout, m: 12, d: 3, alpha: 0.9 }, { seed: 'scalar' });
      for (let i = 0; i < p.W.length; i++) p.W[i] = Math.fround(p.W[i] + 0.2 * Math.sin(3.1 * i + 1));
      for (let i = 0; i < p.U.length; i++) p.U[i] = Math.fround(p.U[i] + 0.2 * Math.cos(1.7 * i + 2));
      const data = randomData(7, 9, 3, readout, 'scalar');
      data.X = Float64Array.from(Float32Array.from(data.X));
      data.Y = Float64Array.from(Float32Array.from(data.Y));
      const [a, b] = [scalar, reference].map((backend) => {
        using net = backend.network(p);
        using ws = net.workspace(data.n, data.T);
        ws.setData(data);
        const { predictions } = ws.forward();
        const loss = ws.lossGrad();
        return {
          predictions,
          loss,
          gW: Float64Array.from(net.read('gradW')),
          gU: Float64Array.from(net.read('gradU')),
        };
      });
      expect(relError(a.predictions, b.predictions)).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThanOrEqual(1e-4);
      expect(relError(a.gW, b.gW)).toBeLessThanOrEqual(1e-4);
      expect(relError(a.gU, b.gU)).toBeLessThanOrEqual(1e-4);
    }
  });
});

describe('the built package runs without Symbol.dispose', () => {
  // Safari has no Symbol.dispose: TypeScript's `using` compiles to a helper that throws there, so the
  // package frees with try/finally and only offers [Symbol.dispose] as an extra.
  it('no compiled file uses the `using` helper', () => {
    const files = readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => readFileSync(join('dist', f), 'utf8').includes('__addDisposableResource'));
    expect(offenders).toEqual([]);
  });
});
