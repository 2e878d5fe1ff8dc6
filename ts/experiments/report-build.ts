/**
 * Building an experiment's report from its manifest and results, without file access (Node and
 * browsers): the CSV summary (one row per configuration, mean and spread over seeds), the plots'
 * vega-lite specs with their SVGs, report.json (verdict and fits, for machines) and report.md
 * (claim, setting, what was measured, fits, verdict with its reason, tables, plots).
 */
import { mdTable } from './common.js';
import { mdCode, mdText } from './markdown.js';
import type { Analysis } from './experiment.js';
import { fmt, groupResults, summary } from './fit.js';
import { renderSvg } from './plots.js';
import { stopCounts } from './runs.js';
import { formatShard, planSweep, selectShard } from './plan.js';
import { completeness } from './search.js';
import { getExperiment } from './registry.js';
import { POINTS_FILE, type SweepManifest } from './sweep-format.js';
import type { PointMetrics, PointResult } from './types.js';

/**
 * How much of a sweep's share is done. A grid share is complete when every planned point is
 * there; a searched share when every width search has its answer (most grid points never run).
 * `missing`: the points still needed (for a search, at least one per unfinished unit).
 */
export function shareCounts(
  manifest: SweepManifest,
  results: readonly PointResult[],
): { planned: number; missing: number; complete: boolean; units: number; unfinishedUnits: number } {
  const planned = manifest.shard
    ? Math.ceil((manifest.totalPoints - (manifest.shard.k - 1)) / manifest.shard.N)
    : manifest.totalPoints;
  if (!manifest.search) {
    const missing = Math.max(0, planned - results.length);
    return { planned, missing, complete: missing === 0, units: 0, unfinishedUnits: 0 };
  }
  const points = selectShard(
    planSweep(getExperiment(manifest.experiment), manifest.size, { seeds: manifest.seeds }),
    manifest.shard,
  );
  const c = completeness(points, results);
  return {
    planned: points.length,
    missing: c.plainLeft + c.unfinishedUnits,
    complete: c.complete,
    units: c.units,
    unfinishedUnits: c.unfinishedUnits,
  };
}

/** Metrics summarized in the CSV (columns appear when at least one point has the value). */
export const SUMMARY_METRICS: (keyof PointMetrics)[] = [
  'bestRel',
  'finalRel',
  'bestRisk',
  'finalRisk',
  'finalTestRisk',
  'avgRisk',
  'stepsToEps',
  'steps',
  'rhoEff',
  'rhoEffMax',
  'distL2',
  'memoryFactor',
  'memoryFactorMax',
  'boundaryFraction',
  'ntkDrift',
  'ntkMinEig0',
  'gradConst',
  'hessConst',
  'oracleRisk',
  'oracleRel',
  'oracleRiskNonlinear',
  'oracleLossMax',
  'nu',
];

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per configuration: swept values, counts, and mean/std of every metric present. */
export function summaryCsv(results: readonly PointResult[]): string {
  const groups = groupResults(results);
  const paramKeys = [...new Set(results.flatMap((r) => Object.keys(r.params)))];
  const present = SUMMARY_METRICS.filter((k) => results.some((r) => typeof r.metrics?.[k] === 'number'));
  const head = [
    'group',
    ...paramKeys,
    'points',
    'ok',
    'diverged',
    'errors',
    'reached',
    ...present.flatMap((k) => [`${k}_mean`, `${k}_std`]),
    'wallMs_mean',
  ];
  const lines = [head.join(',')];
  for (const g of groups) {
    const rs = g.results;
    const reached = rs.filter((r) => r.metrics?.reached === true).length;
    const anyReach = rs.some((r) => r.metrics?.reached !== null && r.metrics?.reached !== undefined);
    const row: unknown[] = [
      g.key,
      ...paramKeys.map((k) => g.params[k]),
      rs.length,
      rs.filter((r) => r.status === 'ok').length,
      rs.filter((r) => r.status === 'diverged').length,
      rs.filter((r) => r.status === 'error').length,
      anyReach ? reached : '',
    ];
    for (const k of present) {
      const s = summary(g.ok.map((r) => r.metrics?.[k] as number | null | undefined));
      row.push(s.mean, s.count > 1 ? s.std : '');
    }
    row.push(summary(rs.map((r) => r.timing?.wallMs)).mean);
    lines.push(row.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

export interface BuiltReport {
  analysis: Analysis;
  markdown: string;
  csv: string;
  plots: { name: string; title: string; spec: Record<string, unknown>; svg: string | null; error?: string }[];
  json: Record<string, unknown>;
}

export interface ReportOptions {
  /** Render SVGs (default true). */
  svg?: boolean;
}

/** Builds the report of one experiment's results (no file access). */
export async function buildReport(
  manifest: SweepManifest,
  results: PointResult[],
  opts: ReportOptions = {},
): Promise<BuiltReport> {
  const exp = getExperiment(manifest.experiment);
  const sorted = [...results].sort((a, b) => a.index - b.index);
  let analysis: Analysis;
  try {
    analysis = exp.analyze(sorted, manifest.size);
  } catch (err) {
    analysis = {
      verdict: 'inconclusive',
      reason: `the analysis failed: ${mdText((err as Error).message)}`,
      measured: '',
      fits: [],
      tables: [],
      plots: [],
    };
  }
  const plots: BuiltReport['plots'] = [];
  for (const p of analysis.plots) {
    let svg: string | null = null;
    let error: string | undefined;
    if (opts.svg !== false) {
      try {
        svg = await renderSvg(p.spec);
      } catch (err) {
        error = (err as Error).message;
      }
    }
    plots.push({ ...p, svg, ...(error ? { error } : {}) });
  }
  const share = shareCounts(manifest, sorted);
  const counts = {
    planned: share.planned,
    finished: sorted.length,
    ok: sorted.filter((r) => r.status === 'ok').length,
    diverged: sorted.filter((r) => r.status === 'diverged').length,
    errors: sorted.filter((r) => r.status === 'error').length,
  };
  const backends = [...new Set(sorted.map((r) => r.run?.backend).filter(Boolean))];
  const runtimes = [...new Set(sorted.map((r) => r.run?.runtime).filter(Boolean))];
  const versions = [...new Set(sorted.map((r) => r.run?.version).filter(Boolean))];
  const wall = sorted.reduce((s, r) => s + (r.timing?.wallMs ?? 0), 0);

  const md: string[] = [];
  md.push(`# ${exp.id} — ${exp.title}`, '');
  if (manifest.shard)
    md.push(
      `> **Partial: shard ${formatShard(manifest.shard)}.** This report covers only the points of shard ${formatShard(manifest.shard)} ` +
        `(point index % ${manifest.shard.N} = ${manifest.shard.k - 1}); the verdict below is that share's. Join the shards with \`rnn-gd merge\` for the sweep's verdict.`,
      '',
    );
  md.push(`**Verdict: ${analysis.verdict}.** ${analysis.reason}`, '');
  if (manifest.search && !share.complete)
    md.push(
      `> Partial results: ${share.unfinishedUnits} of ${share.units} width searches${manifest.shard ? ` of shard ${formatShard(manifest.shard)}` : ''} are not finished; the verdict covers the finished points only.`,
      '',
    );
  else if (!manifest.search && counts.finished < counts.planned)
    md.push(
      `> Partial results: ${counts.finished} of ${counts.planned} points${manifest.shard ? ` of shard ${formatShard(manifest.shard)}` : ''} are finished; the verdict covers those only.`,
      '',
    );
  md.push('## Claim', '', exp.claim, '');
  md.push(
    '## Setting',
    '',
    exp.setting(manifest.size),
    '',
    `Size \`${manifest.size}\`, ${manifest.seeds} seed(s) per configuration, ${manifest.totalPoints} points in the sweep` +
      (manifest.search
        ? `; the width needed is searched (galloping, then bisection on "reaches eps"), so ${counts.finished} of them were trained.`
        : '.'),
    '',
  );
  md.push('## What was measured', '', analysis.measured || '–', '');
  md.push('## Fits', '');
  if (analysis.fits.length) {
    md.push(
      mdTable(
        ['fit', 'model', 'parameters', 'R²', 'points', 'note'],
        analysis.fits.map((f) => [
          f.name,
          `\`${f.formula}\``,
          Object.entries(f.params)
            .map(([k, v]) => `${k} = ${fmt(v)}`)
            .join(', '),
          f.r2 ?? null,
          f.n,
          f.note ?? '',
        ]),
      ),
      '',
    );
  } else md.push('No fit (too few points).', '');
  for (const t of analysis.tables) md.push(`### ${t.title}`, '', mdTable(t.columns, t.rows), '');
  md.push('## Plots', '');
  for (const p of plots) {
    md.push(`### ${p.title}`, '');
    md.push(
      p.svg ? `![${p.title}](${p.name}.svg)` : `(SVG not rendered${p.error ? `: ${mdText(p.error)}` : ''})`,
      '',
      `vega-lite spec: [${p.name}.vl.json](${p.name}.vl.json)`,
      '',
    );
  }
  md.push('## Points', '');
  md.push(
    `${counts.finished} finished of ${counts.planned} planned: ${counts.ok} ok, ${counts.diverged} diverged, ${counts.errors} failed. Per-point results: \`${POINTS_FILE}\`; per-configuration summary: \`summary.csv\`.`,
    '',
  );
  // Censoring is part of the result: how every run ended, counted (per cell in the tables above).
  md.push(`How the runs ended: ${stopCounts(sorted)}.`, '');
  const failed = sorted.filter((r) => r.status !== 'ok');
  if (failed.length) {
    md.push(
      mdTable(
        ['point', 'status', 'why'],
        failed
          .slice(0, 30)
          .map((r) => [mdCode(r.id), mdText(r.status), mdText((r.error?.message ?? '').slice(0, 200))]),
      ),
      '',
    );
    if (failed.length > 30) md.push(`… and ${failed.length - 30} more (see ${POINTS_FILE}).`, '');
  }
  if (analysis.notes?.length) md.push('## Notes', '', ...analysis.notes.map((n) => `- ${n}`), '');
  md.push('## Provenance', '');
  md.push(
    `rnn-gd ${mdText(versions.join(', ') || manifest.package.version)}; backend ${mdText(backends.join(', ') || manifest.backend)}; ${mdText(runtimes.join(', ') || '–')}; ` +
      `sweep fingerprint ${mdCode(manifest.fingerprint)}; shard ${formatShard(manifest.shard)}${manifest.mergedFrom ? ` (merged from ${manifest.mergedFrom.length} directories)` : ''}; ` +
      `total compute ${fmt(wall / 1000)} s. Seeds: point seed s gives init seed '${exp.id}/init/s', data seed '${exp.id}/data/s'.`,
    '',
  );

  const json = {
    format: 'rnn-gd.report/1',
    experiment: exp.id,
    title: exp.title,
    claim: exp.claim,
    size: manifest.size,
    /** null for a whole sweep; 'k/N' when the report covers one shard only */
    partial: manifest.shard ? `shard ${formatShard(manifest.shard)}` : null,
    verdict: analysis.verdict,
    reason: analysis.reason,
    fits: analysis.fits,
    counts,
    /** how the runs ended: reached eps, ran the budget, plateau-stopped, diverged, ... */
    stopped: stopCounts(sorted),
    backend: backends,
    version: versions,
    fingerprint: manifest.fingerprint,
  };
  return { analysis, markdown: md.join('\n'), csv: summaryCsv(sorted), plots, json };
}

/** The files of a report, as a sweep directory holds them (written by writeReport, downloaded by the browser lab). */
export function reportFiles(built: BuiltReport): { name: string; text: string }[] {
  const files = [{ name: 'summary.csv', text: built.csv }];
  for (const p of built.plots) {
    files.push({ name: `${p.name}.vl.json`, text: JSON.stringify(p.spec, null, 2) + '\n' });
    if (p.svg) files.push({ name: `${p.name}.svg`, text: p.svg });
  }
  files.push({ name: 'report.json', text: JSON.stringify(built.json, null, 2) + '\n' });
  files.push({ name: 'report.md', text: built.markdown });
  return files;
}
