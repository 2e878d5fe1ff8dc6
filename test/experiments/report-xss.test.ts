/**
 * No script from data (issue 22, item 1): every text a report takes from points, manifests or
 * directory names is written into report.md and the `report DIR` index as text. Rendered with
 * `marked` (as the lab renders it), no payload of the corpus becomes a tag, an attribute or a
 * link, and each one reads back verbatim.
 */
import { tempDir } from '../support/fs.js';
import { CLI } from '../support/paths.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  errorResult,
  getExperiment,
  newManifest,
  planSweep,
  sweepFingerprint,
  type PointResult,
} from '../../dist/experiments/node.js';
import { htmlText, unsafeHtml, XSS_PAYLOADS } from '../xss-payloads.js';

const oneLine = (s: string) => s.replace(/\s+/g, ' ');

/** A sweep of E4 (quick, one seed) whose every point failed with `message`, run by `run`. */
function hostileSweep(message: (i: number) => string, run: (i: number) => Record<string, string> = () => ({})) {
  const exp = getExperiment('E4');
  const points = planSweep(exp, 'quick', { seeds: 1 });
  const manifest = newManifest({
    experiment: exp.id,
    title: exp.title,
    size: 'quick',
    seeds: 1,
    totalPoints: points.length,
    fingerprint: sweepFingerprint(points),
    shard: null,
    backend: 'ts',
    search: false,
  });
  const results: PointResult[] = points.map((p, i) => {
    const r = errorResult(p, new Error(message(i)), 'ts');
    return { ...r, run: { ...r.run!, ...run(i) } };
  });
  return { manifest, results };
}

function expectInert(markdown: string, payloads: readonly string[]) {
  const html = marked.parse(markdown, { async: false });
  expect(unsafeHtml(html)).toEqual([]);
  const text = oneLine(htmlText(html));
  for (const p of payloads) expect(text).toContain(oneLine(p));
}

describe('reports render data as text', () => {
  it('payloads in point ids, error messages and provenance stay text (library report, as the lab builds it)', async () => {
    const { manifest, results } = hostileSweep(
      (i) => XSS_PAYLOADS[i % XSS_PAYLOADS.length],
      (i) => ({
        backend: XSS_PAYLOADS[(i + 1) % XSS_PAYLOADS.length],
        runtime: XSS_PAYLOADS[(i + 2) % XSS_PAYLOADS.length],
      }),
    );
    // one result per payload (ids are the payloads, so the points need not be the plan's)
    const hostile = XSS_PAYLOADS.map((id, i) => ({ ...results[i % results.length], index: i, id }));
    const built = await buildReport({ ...manifest, fingerprint: XSS_PAYLOADS[7] }, hostile, { svg: false });
    expectInert(built.markdown, XSS_PAYLOADS);
  });

  it('the CLI report and the `report DIR` index keep payloads in messages, provenance and directory names as text', () => {
    const root = tempDir('xss');
    const names: string[] = [];
    const used: string[][] = [];
    // three sweeps of six points: every payload is some point's error message and some run's version
    for (const k of [0, 1, 2]) {
      const pick = (i: number) => XSS_PAYLOADS[(i + 6 * k) % XSS_PAYLOADS.length];
      const { manifest, results } = hostileSweep(pick, (i) => ({ version: pick(i + 3) }));
      const name = `${k} ${XSS_PAYLOADS[k + 3 * k].replace(/\//g, '∕')}`;
      names.push(name);
      used.push(results.flatMap((_, i) => [pick(i), pick(i + 3)]));
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'sweep.json'), JSON.stringify(manifest));
      writeFileSync(join(root, name, 'points.jsonl'), results.map((r) => JSON.stringify(r) + '\n').join(''));
    }
    expect(new Set(used.flat()).size).toBe(XSS_PAYLOADS.length);
    const r = spawnSync(process.execPath, [CLI, 'report', root, '--no-svg'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    names.forEach((name, k) => expectInert(readFileSync(join(root, name, 'report.md'), 'utf8'), used[k]));
    const index = readFileSync(join(root, 'README.md'), 'utf8');
    expectInert(index, names);
    // each link still leads to its report
    const html = marked.parse(index, { async: false });
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => decodeURIComponent(m[1]));
    expect(hrefs.sort()).toEqual(names.map((n) => `${n}/report.md`).sort());
  });
});
