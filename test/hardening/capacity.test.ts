/**
 * Capacity: workspaces and kernel buffers are sized in TypeScript and refused BEFORE allocation
 * (the wasm memory does not grow and the module keeps working); mini-batch SGD memory does not grow
 * with n, and the streamed SGD path is bit-identical to the resident one.
 */
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readJsonFile } from '../../ts/io/model-file.js';
import { getBackend } from '../../ts/backend/index.js';
import {
  featuresBytes,
  GiB,
  liveWasmBytes,
  MiB,
  parseBytes,
  setMemoryCap,
  trackAllocation,
  workspaceBytes,
} from '../../ts/backend/capacity.js';
import { ChunkedData } from '../../ts/train/chunked.js';
import { wasmBackend } from '../../ts/backend/wasm-backend.js';
import { loadWasm } from '../../ts/backend/wasm-loader.js';
import { evaluate } from '../../ts/cli/commands/eval.js';
import { initialize } from '../../ts/train/init.js';
import { Trainer } from '../../ts/train/trainer.js';
import type { ModelParams, Readout } from '../../ts/core/types.js';
import { randomData } from '../helpers.js';
import { CapacityError } from '../../ts/core/errors.js';
import { tempDir } from '../support/fs.js';

afterEach(() => setMemoryCap(null));

const model = (
  recurrence: 'dense' | 'diagonal',
  m: number,
  d: number,
  readout: Readout = 'final',
  seed = 1,
): ModelParams => initialize({ recurrence, m, d, alpha: 0.6, readout }, { seed });

describe('workspace bytes mirror the Rust allocations', () => {
  it('predicted bytes = wasm memory growth (within 1%) for a fresh large workspace', async () => {
    // First test of the file: the module is fresh in this worker, so a big allocation grows memory by its size.
    const wasm = await loadWasm();
    const backend = await wasmBackend();
    const p = model('dense', 64, 4, 'all');
    using net = backend.network(p);
    const before = wasm.memory.buffer.byteLength;
    const reserve = { steps: 4096, indices: Math.max(20000, 2 ** 16) };
    using ws = net.workspace(20000, 20);
    ws.setData(randomData(4, 20, 4, 'all'));
    ws.train(1, 0.1, { kind: 'none' });
    const grown = wasm.memory.buffer.byteLength - before;
    const predicted = workspaceBytes(p.spec, 20000, 20);
    expect(grown / predicted).toBeGreaterThan(0.99);
    expect(grown).toBeLessThan(workspaceBytes(p.spec, 20000, 20, reserve) * 1.01 + MiB);
  });
});

describe('refused before allocation', () => {
  it('a workspace over the cap: CapacityError with the bytes and a suggestion; memory unchanged; module still works', async () => {
    const wasm = await loadWasm();
    const backend = await wasmBackend();
    const p = model('dense', 256, 2);
    using net = backend.network(p);
    const before = wasm.memory.buffer.byteLength;
    let err: unknown;
    try {
      net.workspace(21000, 100);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CapacityError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/needs 4\.\d+ GiB of wasm memory/);
    expect(msg).toMatch(/mini-batches/);
    expect(msg).toMatch(/smaller T/);
    expect((err as CapacityError).bytesNeeded).toBe(
      workspaceBytes(p.spec, 21000, 100, { steps: 4096, indices: 2 ** 16 }),
    );
    expect(wasm.memory.buffer.byteLength).toBe(before);
    // sizes that would wrap around as u32 are refused too (not silently truncated)
    expect(() => net.workspace(2 ** 32 + 1, 1)).toThrow(CapacityError);
    // still usable
    using ws = net.workspace(3, 5);
    ws.setData(randomData(3, 5, 2, 'final'));
    expect(Number.isFinite(ws.forward().loss)).toBe(true);
  });

  it('the cap is configurable (setMemoryCap, RNN_GD_MEMORY_CAP syntax) and bounded by 4 GiB', async () => {
    expect(parseBytes('2GiB')).toBe(2 * GiB);
    expect(parseBytes('512 MiB')).toBe(512 * MiB);
    expect(parseBytes('3e9')).toBe(3e9);
    expect(parseBytes('1.5GB')).toBe(1.5e9);
    expect(() => parseBytes('lots')).toThrow(/cannot read 'lots'/);
    const backend = await wasmBackend();
    using net = backend.network(model('diagonal', 16, 3));
    setMemoryCap('1MiB');
    expect(() => net.workspace(4000, 10)).toThrow(
      /more than the memory cap of 1\.0 MiB \(raise it with setMemoryCap\(\) or RNN_GD_MEMORY_CAP/,
    );
    setMemoryCap(100 * GiB);
    expect(() => net.workspace(2 ** 31, 1000)).toThrow(/more than wasm's memory limit \(4 GiB\)/);
  });

  it('a model too large: refused before allocation', async () => {
    const backend = await wasmBackend();
    setMemoryCap('64MiB');
    expect(() => backend.network(model('dense', 4096, 2))).toThrow(
      /model \(dense, m = 4096, d = 2\) needs 192\.\d MiB/,
    );
  });

  it('kernels: NTK Gram and per-sample gradients for a huge n are refused before allocation', async () => {
    const backend = await wasmBackend();
    const p = model('diagonal', 8, 2);
    const n = 40_000;
    const data = { n, T: 3, d: 2, X: new Float64Array(n * 3 * 2), Y: new Float64Array(n) };
    const wasm = await loadWasm();
    const before = wasm.memory.buffer.byteLength;
    expect(() => backend.kernels.ntkGram(p, data)).toThrow(
      new RegExp(`ntkGram for n = ${n} .* needs 5\\.\\d+ GiB .* subsample`),
    );
    expect(() => backend.kernels.perSampleGradients(p, data)).toThrow(CapacityError);
    expect(featuresBytes(p.spec, n, 3)).toBeGreaterThan(4 * GiB);
    expect(wasm.memory.buffer.byteLength).toBe(before);
    const M = 1e6;
    const particles = { w: new Float32Array(M), u: new Float32Array(M * 2) };
    setMemoryCap('16MiB');
    expect(() =>
      backend.kernels.teacherSum(
        { activation: 'tanh', alpha: 0.5, d: 2 },
        particles,
        new Float32Array(M * 3),
        randomData(4, 3, 2, 'final'),
      ),
    ).toThrow(/teacher sum with M = 1000000 particles .* needs 45\.\d MiB/);
  });

  it('ts backend NTK and oversized JSON files: refused before allocation / parsing', async () => {
    const ts = await getBackend('ts');
    const p = model('diagonal', 8, 2);
    const n = 40_000;
    const data = { n, T: 3, d: 2, X: new Float64Array(n * 3 * 2), Y: new Float64Array(n) };
    expect(() => ts.kernels.ntkGram(p, data)).toThrow(
      /ntkGram for n = 40000 .* needs 11\.\d+ GiB of JavaScript memory/,
    );
    const dir = tempDir('big');
    const big = join(dir, 'big.json');
    writeFileSync(big, '{');
    truncateSync(big, 300 * MiB); // sparse: no 300 MiB written
    expect(() => readJsonFile(big, 'data file')).toThrow(
      /300 MiB, more than the 256 MiB read as JSON; store large data sets as \.npy/,
    );
  });

  it('live objects together may not pass 4 GiB (counted until free(), double free harmless)', () => {
    const key = {};
    const r1 = trackAllocation(key, 3 * GiB, 'first');
    expect(liveWasmBytes(key)).toBe(3 * GiB);
    expect(() => trackAllocation(key, 1 * GiB, 'second')).toThrow(
      /second needs 1\.00 GiB .* live wasm objects already hold 3\.00 GiB/,
    );
    r1();
    r1();
    expect(liveWasmBytes(key)).toBe(0);
    trackAllocation(key, 1 * GiB, 'second')();
  });

  it('a trainer with full-batch GD on data over the cap is refused with the mini-batch suggestion', async () => {
    const backend = await wasmBackend();
    setMemoryCap('4MiB');
    const data = randomData(3000, 10, 2, 'final');
    expect(
      () => new Trainer({ backend, params: model('diagonal', 32, 2), data, train: { eta: 0.1, steps: 2 } }),
    ).toThrow(/mini-batches/);
  });
});

describe('mini-batch SGD memory does not grow with n', () => {
  for (const name of ['wasm', 'ts'] as const) {
    it(`${name}: live workspace bytes during SGD are the same for n = 2000 and n = 40000 (budget 1 MiB)`, async () => {
      const backend = await getBackend(name);
      const peakFor = async (n: number) => {
        const data = randomData(n, 8, 2, 'final', 5);
        const trainer = new Trainer({
          backend,
          params: model('diagonal', 16, 2),
          data,
          memoryBudget: MiB,
          train: { eta: 0.2, steps: 12, batchSize: 16, recordEvery: 4, seed: 2 },
        });
        try {
          expect(trainer.streamed).toBe(true);
          const wasm = name === 'wasm' ? await loadWasm() : null;
          let peak = wasm ? liveWasmBytes(wasm.memory) : 0;
          const res = await trainer.run({
            onProgress: () => {
              if (wasm) peak = Math.max(peak, liveWasmBytes(wasm.memory));
            },
          });
          expect(res.status).toBe('completed');
          for (const r of res.records) expect(Number.isFinite(r.risk)).toBe(true);
          return peak;
        } finally {
          trainer.free();
        }
      };
      const small = await peakFor(2000);
      const large = await peakFor(40000);
      expect(large).toBe(small);
      if (name === 'wasm') {
        expect(large).toBeLessThan(2 * MiB);
        // and the module's memory did not grow for the larger run
        const wasm = await loadWasm();
        const before = wasm.memory.buffer.byteLength;
        await peakFor(40000);
        expect(wasm.memory.buffer.byteLength).toBe(before);
      }
    });
  }

  for (const name of ['wasm', 'ts'] as const) {
    for (const readout of ['final', 'all'] as const) {
      it(`${name}, readout ${readout}: streamed SGD is bit-identical to resident SGD (parameters, losses); risks agree to 1e-12`, async () => {
        const backend = await getBackend(name);
        const data = randomData(300, 6, 3, readout, 9);
        const test = randomData(120, 6, 3, readout, 10);
        const run = async (memoryBudget: number) => {
          const trainer = new Trainer({
            backend,
            params: model('dense', 8, 3, readout),
            data,
            test,
            memoryBudget,
            train: {
              eta: 0.3,
              steps: 37,
              batchSize: 7,
              recordEvery: 5,
              seed: 'x',
              projection: { kind: 'maxnorm', rho: 2 },
            },
          });
          try {
            const res = await trainer.run();
            return { streamed: trainer.streamed, params: trainer.params(), records: res.records };
          } finally {
            trainer.free();
          }
        };
        const resident = await run(GiB);
        const streamed = await run(8 * 1024);
        expect(resident.streamed).toBe(false);
        expect(streamed.streamed).toBe(true);
        expect(Array.from(streamed.params.W)).toEqual(Array.from(resident.params.W));
        expect(Array.from(streamed.params.U)).toEqual(Array.from(resident.params.U));
        expect(streamed.records.map((r) => r.step)).toEqual(resident.records.map((r) => r.step));
        streamed.records.forEach((r, i) => {
          const q = resident.records[i];
          if (r.step > 0) expect(r.avgRisk).toBe(q.avgRisk); // mean of the mini-batch losses: identical
          expect(r.distL2).toBe(q.distL2);
          expect(Math.abs(r.risk - q.risk)).toBeLessThanOrEqual(1e-12 * Math.max(1, q.risk));
          expect(Math.abs(r.testRisk! - q.testRisk!)).toBeLessThanOrEqual(1e-12 * Math.max(1, q.testRisk!));
        });
      });
    }
  }

  it('chunked evaluation (eval) matches the resident one and its memory does not grow with n', async () => {
    const backend = await wasmBackend();
    const p = model('diagonal', 16, 2);
    const data = randomData(5000, 8, 2, 'final', 3);
    const full = await evaluate(p, data, { grad: true, backend: 'wasm', memoryBudget: GiB });
    const chunked = await evaluate(p, data, { grad: true, backend: 'wasm', memoryBudget: 64 * 1024 });
    expect(chunked.predictions).toEqual(full.predictions);
    expect(Math.abs(chunked.loss - full.loss)).toBeLessThan(1e-12 * full.loss);
    for (const k of ['W', 'U'] as const) {
      // float32 chunk gradients summed in float64 vs one float32 sum: agreement to float32 precision
      const scale = Math.max(...full.grad![k].map(Math.abs));
      chunked.grad![k].forEach((v, i) => expect(Math.abs(v - full.grad![k][i])).toBeLessThan(1e-5 * scale));
    }
    using net = backend.network(p);
    using cd = new ChunkedData(net, data, 100);
    expect(cd.resident).toBe(false);
    expect(Math.abs(cd.forward().loss - full.loss)).toBeLessThan(1e-12 * full.loss);
  });
});
