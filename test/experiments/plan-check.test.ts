/**
 * Resume, merge and report trust no point they find (issue 22, item 7): every line of points.jsonl
 * must be a point of the manifest's plan (and shard) with the plan's index, seed, params and
 * config; a foreign or edited line is refused naming the line; a sweep file that is a symlink
 * (say to another sweep's points.jsonl) is refused and never written through.
 */
import { tempDir } from '../support/fs.js';
import { CLI } from '../support/paths.js';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  errorResult,
  getExperiment,
  newManifest,
  planSweep,
  selectShard,
  sweepFingerprint,
  type PointResult,
} from '../../dist/experiments/node.js';

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

/** A finished sweep directory of `id` (quick, one seed; optionally one shard), every point recorded as failed. */
function sweepDir(dir: string, id: string, shard: { k: number; N: number } | null = null): PointResult[] {
  const exp = getExperiment(id);
  const points = planSweep(exp, 'quick', { seeds: 1 });
  const manifest = newManifest({
    experiment: exp.id,
    title: exp.title,
    size: 'quick',
    seeds: 1,
    totalPoints: points.length,
    fingerprint: sweepFingerprint(points),
    shard,
    backend: 'ts',
    search: points.some((p) => p.search),
  });
  const results = selectShard(points, shard).map((p) => errorResult(p, new Error('recorded'), 'ts'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'points.jsonl'), results.map((r) => JSON.stringify(r) + '\n').join(''));
  return results;
}
const resume = (dir: string, id = 'E4') =>
  cli([
    'experiment',
    'run',
    id,
    '--size',
    'quick',
    '--seeds',
    '1',
    '--backend',
    'ts',
    '--workers',
    '1',
    '--out',
    dir,
    '--resume',
    '--quiet',
  ]);
const writeLines = (path: string, results: unknown[]) =>
  writeFileSync(path, results.map((r) => JSON.stringify(r) + '\n').join(''));

describe('points are checked against the plan', () => {
  it("a points.jsonl that is a symlink to another sweep's file is refused, and that file is not written", () => {
    const root = tempDir('plan-link');
    sweepDir(join(root, 'e6'), 'E6');
    const e4 = sweepDir(join(root, 'e4'), 'E4');
    writeFileSync(join(root, 'e4', 'points.jsonl'), '');
    const other = join(root, 'e6', 'points.jsonl');
    const before = readFileSync(other);
    const e4Points = join(root, 'e4', 'points.jsonl');
    spawnSync('rm', [e4Points]);
    symlinkSync(other, e4Points);
    for (const r of [
      resume(join(root, 'e4')),
      cli([
        'experiment',
        'run',
        'E4',
        '--size',
        'quick',
        '--seeds',
        '1',
        '--backend',
        'ts',
        '--out',
        join(root, 'e4'),
        '--force',
        '--quiet',
      ]),
    ]) {
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/points\.jsonl is a symlink: rnn-gd never writes a sweep through a link/);
    }
    expect(readFileSync(other).equals(before)).toBe(true);
    expect(e4.length).toBeGreaterThan(0);
    // merge into a directory whose points file is such a link: refused too
    const out = join(root, 'merged');
    mkdirSync(out);
    symlinkSync(other, join(out, 'points.jsonl'));
    sweepDir(join(root, 'e4b'), 'E4');
    const m = cli(['merge', out, join(root, 'e4b'), '--force']);
    expect(m.status, m.stderr).toBe(2);
    expect(m.stderr).toMatch(/is a symlink/);
    expect(readFileSync(other).equals(before)).toBe(true);
  });

  it("another sweep's points copied in are refused by resume, report and merge, naming the line", () => {
    const root = tempDir('plan-foreign');
    sweepDir(join(root, 'e6'), 'E6');
    sweepDir(join(root, 'e4'), 'E4');
    copyFileSync(join(root, 'e6', 'points.jsonl'), join(root, 'e4', 'points.jsonl'));
    for (const r of [
      resume(join(root, 'e4')),
      cli(['report', join(root, 'e4'), '--no-svg']),
      cli(['merge', join(root, 'm'), join(root, 'e4')]),
    ]) {
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        /points\.jsonl: line 1: point "E6\/[^"]+" is not a point of this sweep \(E4, size quick, 1 seeds\)/,
      );
    }
  });

  it('an edited point (m = 9999, another seed, index or config) is refused, naming its line', () => {
    const root = tempDir('plan-edit');
    const dir = join(root, 'e4');
    const results = sweepDir(dir, 'E4');
    const edits: [string, (r: PointResult) => PointResult, RegExp][] = [
      ['params', (r) => ({ ...r, params: { ...r.params, m: 9999 } }), /has params \{"m":9999\}, the plan \{"m":16\}/],
      ['seed', (r) => ({ ...r, seed: 7 }), /has seed 7, the plan 0/],
      ['index', (r) => ({ ...r, index: 5 }), /has index 5, the plan 1/],
      [
        'config',
        (r) => ({ ...r, config: { ...r.config, model: { ...r.config.model, m: 9999 } } }),
        /has a config that is not the plan/,
      ],
      ['experiment', (r) => ({ ...r, experiment: 'E6' }), /has experiment "E6", the plan E4/],
    ];
    for (const [what, edit, message] of edits) {
      writeLines(
        join(dir, 'points.jsonl'),
        results.map((r, i) => (i === 1 ? edit(r) : r)),
      );
      for (const r of [cli(['report', dir, '--no-svg']), resume(dir), cli(['merge', join(root, `m-${what}`), dir])]) {
        expect(r.status, `${what}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/points\.jsonl: line 2: point "E4\/m=16\/seed=0"/);
        expect(r.stderr).toMatch(message);
      }
    }
    // the file as planned reports fine
    writeLines(join(dir, 'points.jsonl'), results);
    expect(cli(['report', dir, '--no-svg']).status).toBe(0);
  });

  it("a point of another shard, or a manifest whose fingerprint is not the plan's, is refused", () => {
    const root = tempDir('plan-shard');
    const dir = join(root, 's1');
    sweepDir(dir, 'E4', { k: 1, N: 2 });
    const other = sweepDir(join(root, 's2'), 'E4', { k: 2, N: 2 });
    writeFileSync(
      join(dir, 'points.jsonl'),
      readFileSync(join(dir, 'points.jsonl'), 'utf8') + JSON.stringify(other[0]) + '\n',
    );
    const r = cli(['report', dir, '--no-svg']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /line 4: point "E4\/m=16\/seed=0" belongs to another shard than this directory's \(1\/2\)/,
    );
    const m = JSON.parse(readFileSync(join(root, 's2', 'sweep.json'), 'utf8'));
    writeFileSync(join(root, 's2', 'sweep.json'), JSON.stringify({ ...m, fingerprint: '0123456789abcdef' }));
    const f = cli(['report', join(root, 's2'), '--no-svg']);
    expect(f.status, f.stderr).toBe(2);
    expect(f.stderr).toMatch(/fingerprint 0123456789abcdef is not that of E4's plan/);
  });
});
