/**
 * Sweeps end to end on worker threads (the compiled dist/ package): a tiny sweep with 2 workers and
 * its report, shards merged to the unsharded result, crashing points recorded, and a clean abort
 * that a resume completes.
 */
import { tempDir } from '../support/fs.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeSweeps, runExperiment, readPoints } from '../../dist/experiments/node.js';
import { BACKEND, readLines, stable } from './helpers.js';

describe('the workers of a library call', () => {
  it('are cut to what the points need, with a remark in library words to onWarning (no CLI option)', async () => {
    const warnings: string[] = [];
    const r = await runExperiment({
      experiment: 'E1',
      size: 'quick',
      seeds: 1,
      limit: 1,
      workers: 1000,
      backend: BACKEND,
      out: tempDir('many-workers'),
      report: false,
      onWarning: (text) => warnings.push(text),
    });
    expect(r.status).toBe('completed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^workers 1000 is more than 4 per core of the \d+ cores of this machine; starting 1$/);
  });
});

describe('a tiny sweep on 2 workers', () => {
  it('runs every point, checkpoints it, and writes a report with plots that parse', async () => {
    const out = tempDir('tiny');
    const events: number[] = [];
    const r = await runExperiment({
      experiment: 'E1',
      size: 'quick',
      seeds: 1,
      limit: 10,
      workers: 2,
      backend: BACKEND,
      out,
      onProgress: (p) => events.push(p.done),
    });
    expect(r.status).toBe('completed');
    expect(r.done).toBe(10);
    expect(r.failed).toBe(0);
    expect(events[events.length - 1]).toBe(10);
    const lines = readLines(join(out, 'points.jsonl'));
    expect(lines.map((l) => l.index)).toEqual([...Array(10).keys()]); // compacted in index order
    for (const l of lines) {
      expect(l.status).toBe('ok');
      expect((l as any).run.backend).toMatch(BACKEND === 'wasm' ? /wasm/ : /ts/);
      expect((l as any).config.init.seed).toBe('E1/init/0');
      expect((l as any).metrics.bestRel).toBeGreaterThan(0);
    }
    expect(new Set(lines.map((l: any) => l.timing.worker))).toEqual(new Set([0, 1])); // both workers took points

    // report: markdown with the verdict, CSV, JSON, vega-lite specs and SVGs
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^# E1 /);
    expect(md).toMatch(/\*\*Verdict: (matches|does not match|inconclusive)\.\*\*/);
    expect(md).toMatch(/## Claim/);
    expect(md).toMatch(/Partial results: 10 of \d+ points/);
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv[0].split(',').slice(0, 4)).toEqual(['group', 'n', 'm', 'points']);
    expect(csv.length).toBe(11);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(['matches', 'does not match', 'inconclusive']).toContain(report.verdict);
    for (const name of ['E1-mstar', 'E1-risk']) {
      const spec = JSON.parse(readFileSync(join(out, `${name}.vl.json`), 'utf8'));
      expect(spec.$schema).toMatch(/vega-lite/);
      const svg = readFileSync(join(out, `${name}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    }
  });
});

describe('shards', () => {
  it('merge to exactly the unsharded result', async () => {
    const base = { experiment: 'E4' as const, size: 'quick' as const, seeds: 1, backend: BACKEND, report: false };
    const whole = tempDir('whole');
    await runExperiment({ ...base, out: whole, workers: 2 });
    const parts = [1, 2, 3].map(() => tempDir('shard'));
    for (let k = 1; k <= 3; k++) {
      const r = await runExperiment({ ...base, out: parts[k - 1], workers: 1, shard: { k, N: 3 } });
      expect(r.done).toBe(2);
    }
    const merged = tempDir('merged');
    const m = await mergeSweeps(merged, parts);
    expect(m.points).toBe(6);
    expect(m.missing).toBe(0);
    expect(stable(readLines(join(merged, 'points.jsonl')))).toEqual(stable(readLines(join(whole, 'points.jsonl'))));
    expect(existsSync(join(merged, 'report.md'))).toBe(true);
    await expect(
      mergeSweeps(tempDir('bad'), [
        parts[0],
        (await runExperiment({ ...base, seeds: 2, limit: 1, workers: 0, out: tempDir('other') })).dir,
      ]),
    ).rejects.toThrow(/not parts of one sweep/);
  });
});

describe('failures', () => {
  it('records a point that throws and a point whose worker dies, replaces the worker and goes on', async () => {
    const out = tempDir('crash');
    const r = await runExperiment({
      experiment: 'E1',
      size: 'quick',
      seeds: 1,
      limit: 8,
      workers: 2,
      backend: BACKEND,
      out,
      report: true,
      mapPoints: (points) =>
        points.map((p) =>
          p.index === 1 ? { ...p, fault: { kind: 'exit' } } : p.index === 2 ? { ...p, fault: { kind: 'throw' } } : p,
        ),
    });
    expect(r.status).toBe('completed');
    expect(r.done).toBe(8);
    expect(r.failed).toBe(2);
    const byIndex = new Map(readPoints(out).map((p) => [p.index, p]));
    expect(byIndex.get(1)!.status).toBe('error');
    expect(byIndex.get(1)!.error).toMatchObject({ kind: 'crash' });
    expect(byIndex.get(1)!.error!.message).toMatch(/exited with code 70/);
    expect(byIndex.get(2)!.error).toMatchObject({ kind: 'throw' });
    expect(byIndex.get(2)!.error!.message).toMatch(/fault injected/);
    for (const i of [0, 3, 4, 5, 6, 7]) expect(byIndex.get(i)!.status).toBe('ok');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/2 failed/);

    // --retry-failed on resume runs only the failed points again (here without the fault: they pass)
    const again = await runExperiment({
      experiment: 'E1',
      size: 'quick',
      seeds: 1,
      limit: 8,
      workers: 2,
      backend: BACKEND,
      out,
      resume: true,
      retryFailed: true,
      report: false,
    });
    expect(again.skipped).toBe(6);
    expect(again.done).toBe(2);
    expect(readPoints(out).filter((p) => p.status === 'ok').length).toBe(8);
  });
});

describe('abort', () => {
  it('stops cleanly on an AbortSignal, keeps finished points, and a resume completes without redoing them', async () => {
    const out = tempDir('abort');
    const controller = new AbortController();
    const base = {
      experiment: 'E1' as const,
      size: 'quick' as const,
      seeds: 1,
      limit: 16,
      workers: 2,
      backend: BACKEND,
      out,
      report: false,
    };
    const r1 = await runExperiment({
      ...base,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 4) controller.abort();
      },
    });
    expect(r1.status).toBe('aborted');
    expect(r1.done).toBeGreaterThanOrEqual(4);
    expect(r1.remaining.length).toBe(16 - r1.done);
    const kept = readLines(join(out, 'points.jsonl'));
    expect(kept.length).toBe(r1.done);
    const r2 = await runExperiment({ ...base, resume: true });
    expect(r2.status).toBe('completed');
    expect(r2.skipped).toBe(r1.done);
    expect(r2.done).toBe(16 - r1.done);
    const all = readLines(join(out, 'points.jsonl'));
    expect(all.map((l) => l.index)).toEqual([...Array(16).keys()]);
    // the points finished before the abort were not run again
    for (const k of kept) expect(all.find((l) => l.id === k.id)!.timing).toEqual(k.timing);
  });
});
