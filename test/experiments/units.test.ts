/** Pure pieces of the experiments: shards, fingerprints, fits, curve sampling, checkpoint repair. */
import { tempDir } from '../support/fs.js';
import { appendFileSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXPERIMENTS,
  getExperiment,
  inShard,
  parseShard,
  planSweep,
  sweepFingerprint,
  fit,
} from '../../dist/experiments/index.js';
import { readPointsFile, openCheckpoint, newManifest, CheckpointError } from '../../dist/experiments/node.js';
import { curveIndices } from '../../dist/experiments/point.js';

describe('plans and shards', () => {
  it('every experiment plans JSON-serializable points with unique stable ids', () => {
    for (const exp of EXPERIMENTS) {
      for (const size of ['quick', 'full'] as const) {
        const points = planSweep(exp, size);
        expect(points.length).toBeGreaterThan(0);
        expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
        expect(points.map((p) => p.index)).toEqual(points.map((_, i) => i));
        expect(JSON.parse(JSON.stringify(points))).toEqual(points);
        expect(planSweep(exp, size).map((p) => p.id)).toEqual(points.map((p) => p.id)); // deterministic
      }
    }
  });

  it('seeds multiply the points and change the fingerprint', () => {
    const e1 = getExperiment('e1');
    const a = planSweep(e1, 'quick', { seeds: 1 });
    const b = planSweep(e1, 'quick', { seeds: 2 });
    expect(b.length).toBe(2 * a.length);
    expect(sweepFingerprint(a)).not.toBe(sweepFingerprint(b));
    expect(sweepFingerprint(a)).toBe(sweepFingerprint(planSweep(e1, 'quick', { seeds: 1 })));
  });

  it('shards k/N partition the points', () => {
    expect(parseShard('2/4')).toEqual({ k: 2, N: 4 });
    expect(() => parseShard('0/4')).toThrow(/1 <= k <= N/);
    expect(() => parseShard('5/4')).toThrow(/1 <= k <= N/);
    expect(() => parseShard('x')).toThrow(/k\/N/);
    const N = 3;
    const owners = Array.from({ length: 20 }, (_, i) => [1, 2, 3].filter((k) => inShard(i, { k, N })));
    for (const o of owners) expect(o.length).toBe(1);
  });
});

describe('fits', () => {
  it('recover exact lines, power laws and log laws', () => {
    const x = [1, 2, 4, 8, 16];
    const lf = fit.linearFit(
      x,
      x.map((v) => 3 + 2 * v),
    )!;
    expect(lf.slope).toBeCloseTo(2, 12);
    expect(lf.intercept).toBeCloseTo(3, 12);
    expect(lf.r2).toBeCloseTo(1, 12);
    const pf = fit.powerFit(
      x,
      x.map((v) => 5 * v ** -0.5),
    )!;
    expect(pf.p).toBeCloseTo(-0.5, 12);
    expect(pf.c).toBeCloseTo(5, 10);
    const gf = fit.logFit(
      x,
      x.map((v) => 1 + 4 * Math.log(v)),
    )!;
    expect(gf.b).toBeCloseTo(4, 12);
    expect(gf.a).toBeCloseTo(1, 12);
  });

  it('keeps the first and last records of a curve and samples log- and linearly', () => {
    const steps = Array.from({ length: 201 }, (_, i) => i * 10);
    const idx = curveIndices(steps, 20);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(200);
    expect(idx.length).toBeLessThanOrEqual(22);
    expect(idx).toContain(1); // log spacing reaches the first steps
    expect(curveIndices([0, 10, 20], 20)).toEqual([0, 1, 2]);
  });
});

describe('checkpoint files', () => {
  const plain = (index: number) => ({
    format: 'rnn-gd.point/1',
    index,
    id: `X/${index}`,
    group: 'X',
    experiment: 'E1',
    params: {},
    seed: 0,
    status: 'ok',
  });

  it('ignore a last line cut by a kill and repair it on resume', () => {
    const dir = tempDir('ckpt');
    // a resume checks the points against the plan: these are E1's first three
    const plan = planSweep(getExperiment('E1'), 'quick', { seeds: 1 });
    const point = (index: number) => {
      const { index: _i, ...config } = plan[index];
      return { ...plain(index), id: config.id, group: config.group, params: config.params, config };
    };
    const manifest = newManifest({
      experiment: 'E1',
      title: 't',
      size: 'quick',
      seeds: 1,
      totalPoints: plan.length,
      fingerprint: sweepFingerprint(plan),
      shard: null,
      backend: 'ts',
      search: plan.some((p) => p.search),
    });
    const c = openCheckpoint(dir, manifest);
    c.append(point(1) as never);
    c.append(point(0) as never);
    appendFileSync(c.path, JSON.stringify(point(2)).slice(0, 25)); // cut mid-line
    const read = readPointsFile(c.path);
    expect(read.cutTail).toBe(true);
    expect(read.results.map((r) => r.index)).toEqual([0, 1]);
    const again = openCheckpoint(dir, manifest, { resume: true });
    expect(again.repaired).toBe(true);
    expect([...again.done.keys()].sort()).toEqual([plan[0].id, plan[1].id].sort());
    again.append(point(2) as never);
    again.compact();
    expect(
      readFileSync(c.path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).index),
    ).toEqual([0, 1, 2]);
  });

  it('refuse to resume another sweep and to overwrite without --force', () => {
    const dir = tempDir('ckpt2');
    const m = newManifest({
      experiment: 'E1',
      title: 't',
      size: 'quick',
      seeds: 1,
      totalPoints: 3,
      fingerprint: 'f',
      shard: null,
      backend: 'ts',
    });
    openCheckpoint(dir, m).append(plain(0) as never);
    expect(() => openCheckpoint(dir, m)).toThrow(/--resume/);
    expect(() => openCheckpoint(dir, { ...m, fingerprint: 'g' }, { resume: true })).toThrow(CheckpointError);
    expect(() => openCheckpoint(dir, { ...m, shard: { k: 1, N: 2 } }, { resume: true })).toThrow(/shard/);
    expect(openCheckpoint(dir, m, { force: true }).done.size).toBe(0);
  });

  it('reject a corrupt line in the middle', () => {
    const dir = tempDir('ckpt3');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'points.jsonl'), `${JSON.stringify(plain(0))}\n{oops\n${JSON.stringify(plain(1))}\n`);
    expect(() => readPointsFile(join(dir, 'points.jsonl'))).toThrow(/line 2/);
  });
});
