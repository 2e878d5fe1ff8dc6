/** Metric records as CSV (one row per record) and JSON Lines, for Python (pandas.read_csv) and people. */
import type { MetricRecord } from '../core/metrics.js';
import { arrayArg, objectArg } from '../core/api-args.js';

const METRIC_COLUMNS: readonly (keyof MetricRecord)[] = [
  'step',
  'risk',
  'avgRisk',
  'gradNorm',
  'testRisk',
  'distL2',
  'rhoEff',
  'boundaryFraction',
  'wScale',
  'memoryFactor',
  'wallMs',
  'linRisk',
  'linTestRisk',
  'linGapRms',
  'linGapMax',
  'linTestGapRms',
  'linTestGapMax',
  'ntkDrift',
  'ntkAlignment',
];

const cell = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The records as CSV; the NTK's top eigenvalues (ntkTopEigs) become the columns ntkEig1, ntkEig2, ... */
export function metricsCsv(records: readonly MetricRecord[]): string {
  arrayArg(records, 'metricsCsv', 'records');
  records.forEach((r, k) => objectArg(r, 'metricsCsv', `records[${k}]`));
  const eigs = Math.max(0, ...records.map((r) => r.ntkTopEigs?.length ?? 0));
  const eigColumns = Array.from({ length: eigs }, (_, k) => `ntkEig${k + 1}`);
  const lines = [[...METRIC_COLUMNS, ...eigColumns].join(',')];
  for (const r of records) {
    const row = METRIC_COLUMNS.map((k) => cell(r[k]));
    for (let k = 0; k < eigs; k++) row.push(cell(r.ntkTopEigs?.[k]));
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

export const metricsJsonLine = (r: MetricRecord): string => JSON.stringify(r) + '\n';
