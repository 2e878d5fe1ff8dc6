/**
 * Every kernel and Monte-Carlo path sizes its JavaScript arrays before allocating them (issue 22
 * item 4): too large is a CapacityError naming the bytes and what to change, at once (no RangeError,
 * no gigabytes allocated first, no internal error), through the library and the CLI.
 */
import { tempDir } from '../support/fs.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { CapacityError } from '../../ts/core/errors.js';
import { initialize } from '../../ts/train/init.js';
import { writeNpy } from '../../ts/io/npy.js';
import { haltonParticles, infiniteWidthKernel, monteCarloNngp } from '../../ts/theory/infinite-width.js';
import { kernelBaseline } from '../../ts/theory/kernel-ridge.js';
import { kernelRegime } from '../../ts/theory/kernel-regime.js';
import { empiricalNtk, monteCarloKernel, ntkBlocks, sampleParticles } from '../../ts/theory/ntk.js';
import type { Dataset } from '../../ts/core/types.js';
import { expectCliError, runCli } from '../support/cli.js';

const ts = tsBackend();
/** n sequences of length 2 in d = 1 (inputs only: the kernels never read Y). */
const inputs = (n: number): Dataset => ({ n, T: 2, d: 1, X: new Float64Array(2 * n), Y: new Float64Array(n) });
const spec = { activation: 'tanh' as const, alpha: 0.5, d: 1 };
const few = { w: new Float64Array(4), u: new Float64Array(4) };

/** Refused with a CapacityError naming the need, quickly (before any n^2 allocation). */
function refused(fn: () => unknown, what: RegExp): void {
  const t0 = performance.now();
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a CapacityError').toBeInstanceOf(CapacityError);
  expect((err as Error).message).toMatch(what);
  expect((err as Error).message).toMatch(/needs [\d.]+ (GiB|MiB) of JavaScript memory, more than the memory cap/);
  expect(performance.now() - t0).toBeLessThan(2000);
}

describe('kernel paths refuse what cannot fit, before allocating', () => {
  it('infiniteWidthKernel with n = 1e5 (was a RangeError), NTK and NNGP', () => {
    for (const kind of ['ntk', 'nngp'] as const)
      refused(
        () => infiniteWidthKernel(ts, spec, inputs(1e5), { kind, M: 64 }),
        /infinite-width .* on 100000 x 100000/,
      );
  });

  it('sampleParticles(1e12) and haltonParticles(1e12) (were RangeErrors); infiniteWidthKernel with M = 1e12', () => {
    refused(() => sampleParticles(1e12, 3, 0), /sampleParticles: M = 1000000000000 particles/);
    refused(() => haltonParticles(1e12, 3, 0), /haltonParticles: 1000000000000 particles/);
    refused(
      () => infiniteWidthKernel(ts, spec, inputs(4), { kind: 'nngp', M: 1e12 }),
      /62500000000 particles per group/,
    );
  });

  it('monteCarloKernel, monteCarloNngp, the kernel baseline and the kernel regime on too many sequences', () => {
    refused(() => monteCarloKernel(ts, spec, few, inputs(1e5)), /monteCarloKernel on 100000 x 100000/);
    refused(() => monteCarloNngp(spec, few, inputs(1e5)), /monteCarloNngp on 100000 x 100000/);
    const params = initialize({ recurrence: 'diagonal', m: 4, d: 1, alpha: 0.5 }, { seed: 1 });
    refused(
      () => kernelBaseline(ts, { kind: 'ntk', params }, inputs(3e4), inputs(10)),
      /kernel baseline on n = 30000 training/,
    );
    refused(() => kernelRegime(ts, params, inputs(3e4), 0.1), /kernel regime on N = 30000 training/);
    refused(() => empiricalNtk(ts, params, inputs(3e4)), /the empirical NTK on n = 30000 sequences/);
    refused(() => ntkBlocks(ts, params, inputs(3e4), inputs(10)), /the NTK on 30000 training and 10 test sequences/);
  });

  it('within the cap they still run (the check is not a blanket refusal)', () => {
    expect(infiniteWidthKernel(ts, spec, inputs(20), { kind: 'ntk', M: 64 }).K).toHaveLength(400);
    expect(sampleParticles(1000, 3, 0).u).toHaveLength(3000);
  });
});

describe('kernel through the CLI', () => {
  const dir = tempDir('kernel-cap');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([200000, 20000])('kernel on n = %i sequences: exit 2 at once, naming the bytes (was exit 70 / 3 GB)', (n) => {
    const data = join(dir, `n${n}`);
    writeNpy(join(dir, `n${n}X.npy`), new Float64Array(2 * n), [n, 2, 1], '<f8');
    writeNpy(join(dir, `n${n}Y.npy`), new Float64Array(n), [n], '<f8');
    const r = runCli(['kernel', '--data', `${data}X.npy`, '--alpha', '0.5', '--particles', '64']);
    expectCliError(r, new RegExp(`infinite-width ntk on ${n} x ${n} sequences .* GiB of JavaScript memory`));
    expect(r.status).toBe(2);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('kernel --particles 1e12: exit 2 naming the particles (was exit 70)', () => {
    const data = join(dir, 'small');
    writeNpy(`${data}X.npy`, new Float64Array(12), [6, 2, 1], '<f8');
    writeNpy(`${data}Y.npy`, new Float64Array(6), [6], '<f8');
    const r = runCli(['kernel', '--data', `${data}X.npy`, '--alpha', '0.5', '--particles', '1e12']);
    expectCliError(r, /particles per group needs [\d.]+ GiB of JavaScript memory/);
    expect(r.status).toBe(2);
  });
});
