/**
 * vega and vega-lite are optional peer dependencies (README, "Install"): without them a report
 * still has its verdict, tables and vega-lite specs, and says where each SVG would be how to get it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('vega');
  vi.resetModules();
});

describe('plots without vega', () => {
  it('renderSvg rejects with the install hint; a report keeps its specs and says how to get the SVGs', async () => {
    vi.resetModules();
    vi.doMock('vega', () => {
      throw Object.assign(new Error("Cannot find package 'vega' imported from plots.js"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    });
    const { renderSvg, PLOTTING_HINT } = await import('../../dist/experiments/plots.js');
    const spec = { data: { values: [{ x: 1, y: 2 }] }, mark: 'point' as const };
    await expect(renderSvg(spec)).rejects.toThrow(/npm install vega vega-lite/);
    await expect(renderSvg(spec)).rejects.toThrow(/\(.+\)$/);

    const { buildReport, reportFiles } = await import('../../dist/experiments/report-build.js');
    const { newManifest } = await import('../../dist/experiments/sweep-format.js');
    const manifest = newManifest({
      experiment: 'E4',
      title: 'E4',
      size: 'quick',
      seeds: 1,
      totalPoints: 1,
      fingerprint: 'test',
      shard: null,
      backend: 'ts',
    });
    const built = await buildReport(manifest, []);
    const md = reportFiles(built).find((f) => f.name === 'report.md')!.text;
    expect(built.plots.length).toBeGreaterThan(0);
    for (const p of built.plots) {
      expect(p.svg).toBeNull();
      expect(md).toContain(`vega-lite spec: [${p.name}.vl.json]`);
    }
    const { mdText } = await import('../../dist/experiments/markdown.js');
    expect(md).toContain(mdText(PLOTTING_HINT)); // escaped like every error text in a report
    expect(reportFiles(built).some((f) => f.name.endsWith('.vl.json'))).toBe(true);
  });
});
