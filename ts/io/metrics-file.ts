/** Metric records as CSV (one row per record) and JSON Lines, for Python (pandas.read_csv) and people. */
import type { MetricRecord } from '../metrics.js';
import { arrayArg, objectArg } from '../api-args.js';

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
];

const cell = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

export function metricsCsv(records: readonly MetricRecord[]): string {
  arrayArg(records, 'metricsCsv', 'records');
  records.forEach((r, k) => objectArg(r, 'metricsCsv', `records[${k}]`));
  const lines = [METRIC_COLUMNS.join(',')];
  for (const r of records) lines.push(METRIC_COLUMNS.map((k) => cell(r[k])).join(','));
  return lines.join('\n') + '\n';
}

export const metricsJsonLine = (r: MetricRecord): string => JSON.stringify(r) + '\n';
