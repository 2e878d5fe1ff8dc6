/**
 * The native backend's selection and loading: 'auto' is native in Node, RNN_GD_BACKEND=wasm is
 * obeyed before the addon is loaded, an addon that cannot load falls back to wasm with one line on
 * stderr (MODULE_NOT_FOUND, ERR_DLOPEN_FAILED, ERR_DLOPEN_DISABLED), the addon's boundary enums
 * equal rnn-wasm's, and many worker_threads can load, use and drop the addon.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../ts/backend/index.js';
import { nativeTarget } from '../../ts/backend/native-backend.js';
import { loadWasm } from '../../ts/backend/wasm-loader.js';
import { tempDir } from '../support/fs.js';

const NODE_ENTRY = new URL('../../dist/entries/node.js', import.meta.url).href;

/** Runs `code` (an ES module) in a fresh Node with `env` added; returns its exit status and output. */
function node(code: string, env: Record<string, string> = {}, flags: string[] = []) {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', code], {
    env: { ...process.env, RNN_GD_BACKEND: '', RNN_GD_NATIVE_ADDON: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/** Prints the description of getBackend(name) and whether any .node addon is in the require cache. */
const probe = (name: string) => `
  import { createRequire } from 'node:module';
  const m = await import(${JSON.stringify(NODE_ENTRY)});
  try {
    const b = await m.getBackend(${JSON.stringify(name)});
    const addons = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.endsWith('.node'));
    console.log(JSON.stringify({ description: b.description, addons: addons.length }));
  } catch (err) {
    console.log(JSON.stringify({ error: err.message, code: err.code }));
  }`;

describe('native backend: selection', () => {
  it("'auto' is native in Node; getBackend() defaults to it", async () => {
    expect((await getBackend('auto')).name).toBe('native');
    expect((await getBackend()).description).toMatch(/^native (avx512-fma|avx512|avx2-fma|avx2|scalar) f32$/);
    expect((await getBackend('native')).kernels).toBeDefined();
  });

  it('RNN_GD_BACKEND=wasm makes auto choose wasm without loading the addon; a bad value is refused', () => {
    const auto = JSON.parse(node(probe('auto')).stdout);
    expect(auto.description).toMatch(/^native (avx512-fma|avx512|avx2-fma|avx2|scalar) f32$/);
    expect(auto.addons).toBe(1);
    expect(JSON.parse(node(probe('auto'), { RNN_GD_BACKEND: 'wasm' }).stdout)).toEqual({
      description: 'wasm simd128 f32',
      addons: 0,
    });
    expect(JSON.parse(node(probe('auto'), { RNN_GD_BACKEND: 'ts' }).stdout).description).toBe('ts float64');
    expect(JSON.parse(node(probe('auto'), { RNN_GD_BACKEND: 'gpu' }).stdout).error).toMatch(
      /environment variable RNN_GD_BACKEND: unknown backend 'gpu'; choose 'auto', 'native', 'wasm', 'ts'/,
    );
  });

  it('an addon that cannot load: auto falls back to wasm with one stderr line per process; native throws', () => {
    const dir = tempDir('native');
    const corrupt = join(dir, 'broken.node');
    writeFileSync(corrupt, 'not an ELF file');
    const twice = `${probe('auto')}\n{ const m = await import(${JSON.stringify(NODE_ENTRY)}); await m.getBackend('auto'); }`;
    const cases: [string, Record<string, string>, string[]][] = [
      ['MODULE_NOT_FOUND', { RNN_GD_NATIVE_ADDON: join(dir, 'missing.node') }, []],
      ['ERR_DLOPEN_FAILED', { RNN_GD_NATIVE_ADDON: corrupt }, []],
      ['ERR_DLOPEN_DISABLED', {}, ['--no-addons']],
    ];
    for (const [code, env, flags] of cases) {
      const auto = node(twice, env, flags);
      expect(auto.status, auto.stderr).toBe(0);
      expect(JSON.parse(auto.stdout)).toEqual({ description: 'wasm simd128 f32', addons: 0 });
      const lines = auto.stderr.split('\n').filter((l) => l !== '' && !l.includes('ExperimentalWarning'));
      expect(lines, code).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^rnn-gd: native backend unavailable \\(${code}: .+\\); using wasm \\(set RNN_GD_BACKEND=wasm`),
      );
      const explicit = JSON.parse(node(probe('native'), env, flags).stdout);
      expect(explicit.code).toBe(code);
    }
  });

  it('the fused kernels are the default where the CPU has FMA; RNN_GD_NATIVE_EXACT=1 chooses the exact ones', () => {
    const fused = JSON.parse(node(probe('native')).stdout).description;
    const exact = JSON.parse(node(probe('native'), { RNN_GD_NATIVE_EXACT: '1' }).stdout).description;
    expect(exact).toMatch(/^native (avx512|avx2|scalar) f32$/);
    expect(fused).toBe(exact === 'native scalar f32' ? exact : exact.replace(/ f32$/, '-fma f32'));
    // Any other value keeps the default (the variable is an opt-in switch, not a level).
    expect(JSON.parse(node(probe('native'), { RNN_GD_NATIVE_EXACT: '0' }).stdout).description).toBe(fused);
  });

  it('the platform suffix agrees with scripts/native-target.mjs (the Makefile builds into npm/<target>/)', () => {
    const script = spawnSync(process.execPath, ['scripts/native-target.mjs'], { encoding: 'utf8' });
    expect(script.stdout.trim()).toBe(nativeTarget());
    expect(nativeTarget()).toBe('linux-x64-gnu');
  });

  it("the addon's boundary enums are rnn-wasm's (same members, same codes)", async () => {
    const { createRequire } = await import('node:module');
    const addon = createRequire(import.meta.url)(`../../npm/${nativeTarget()}/rnn-gd.${nativeTarget()}.node`);
    const { pkg } = await loadWasm();
    const codes = (o: object) => Object.entries(o).filter(([, v]) => typeof v === 'number');
    for (const name of ['RawRecurrence', 'RawActivation', 'RawReadout', 'RawProjection'] as const) {
      expect(codes(addon[name]), name).toEqual(codes(pkg[name]));
    }
  });
});

describe('native backend: worker_threads', () => {
  it('64 workers (8 at a time) load the addon, train, and end: by exit, by terminate() mid-call, or without freeing', () => {
    const code = `
      import { Worker } from 'node:worker_threads';
      const entry = ${JSON.stringify(NODE_ENTRY)};
      const body = \`
        import { parentPort, workerData } from 'node:worker_threads';
        const m = await import(\${JSON.stringify(entry)});
        const b = await m.getBackend('native');
        const params = m.initialize({ recurrence: 'dense', m: 32, d: 3, alpha: 0.8 }, { seed: workerData.i });
        const net = b.network(params);
        const ws = net.workspace(16, 8);
        const X = Float64Array.from({ length: 16 * 8 * 3 }, (_, k) => Math.sin(k + workerData.i));
        ws.setData({ n: 16, T: 8, d: 3, X, Y: new Float64Array(16).fill(0.3) });
        const steps = workerData.mode === 'terminate' ? 2e6 : 20;
        parentPort.postMessage('ready');
        const r = ws.train(steps, 0.1, { kind: 'none' });
        if (workerData.mode === 'free') { ws.free(); net.free(); }
        parentPort.postMessage(r.completed);\`;
      const run = (i) => new Promise((resolve, reject) => {
        const mode = ['free', 'leak', 'terminate'][i % 3];
        const w = new Worker(body, { eval: true, workerData: { i, mode } });
        w.on('message', (msg) => { if (msg === 'ready' && mode === 'terminate') setTimeout(() => w.terminate(), 20); });
        w.on('error', reject);
        w.on('exit', resolve);
      });
      let exits = 0;
      for (let round = 0; round < 8; round++) {
        const codes = await Promise.all(Array.from({ length: 8 }, (_, k) => run(round * 8 + k)));
        exits += codes.length;
      }
      const b = await (await import(entry)).getBackend('native');
      console.log(exits, b.description);`;
    const r = node(code);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^64 native (avx512-fma|avx512|avx2-fma|avx2|scalar) f32$/);
  }, 180_000);
});
