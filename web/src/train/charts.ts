/** The training view's four charts (risk, ρ_s, memory factor, test predictions) and their text descriptions. */
import type { MetricRecord } from 'rnn-gd';
import { $, svgById } from '../shared/dom';
import { drawChart, formatNumber, type Series } from '../shared/plots';
import { rhoOf, runLabel, type RunView, type TrainState } from './state';

const CHARTS = ['chart-risk', 'chart-rho', 'chart-memory', 'chart-pred'];

export function renderCharts(s: TrainState): void {
  const widths = Object.fromEntries(CHARTS.map((id) => [id, svgById(id).getBoundingClientRect().width]));
  const shown = s.runs.filter((r) => r.visible && r.records.length > 0);
  const line = (r: RunView, f: (x: MetricRecord) => number | undefined, dashed = false): Series => ({
    name: runLabel(r),
    points: r.records.map((x) => [x.step, f(x) ?? Number.NaN] as const),
    className: dashed ? 'test' : 'train',
    // Colour says which run, line style says training or test: never the other way round.
    color: r.color,
    dashed,
  });
  drawChart(
    svgById('chart-risk'),
    {
      xLabel: 'step s',
      yLabel: 'risk R',
      logY: true,
      series: shown.flatMap((r) => [line(r, (x) => x.risk), line(r, (x) => x.testRisk, true)]),
      legend: [
        { name: 'training (solid)', className: 'key' },
        { name: 'test (dashed)', className: 'key', dashed: true },
        { name: 'colour = run', className: 'key-none' },
      ],
    },
    widths['chart-risk'],
  );
  const rhos = [...new Set(shown.map((r) => rhoOf(r.config)).filter((x): x is number => x !== undefined))];
  drawChart(
    svgById('chart-rho'),
    {
      xLabel: 'step s',
      yLabel: 'ρ_s',
      series: shown.map((r) => line(r, (x) => x.rhoEff)),
      legend: [{ name: 'ρ_s (colour = run)', className: 'key' }],
      rules: rhos.map((rho) => ({ y: rho, label: `ρ = ${rho}`, className: 'bad' })),
      yInclude: [0],
    },
    widths['chart-rho'],
  );
  drawChart(
    svgById('chart-memory'),
    {
      xLabel: 'step s',
      yLabel: 'a_s',
      series: shown.map((r) => line(r, (x) => x.memoryFactor)),
      legend: [{ name: 'a_s (colour = run)', className: 'key' }],
      rules: [{ y: 1, label: 'a = 1 (critical)', className: 'bad' }],
      yInclude: [0],
    },
    widths['chart-memory'],
  );
  const { preds, current } = s;
  const pts = preds ? preds.target.map((t, i) => [t, preds.predicted[i]] as const) : [];
  drawChart(
    svgById('chart-pred'),
    {
      xLabel: 'target y',
      yLabel: 'prediction f(X)',
      square: true,
      series: [
        {
          name: `test sequences${current ? ` (run #${current.id})` : ''}`,
          points: pts,
          className: 'test',
          dots: true,
        },
      ],
    },
    widths['chart-pred'],
  );
  describeCharts(s, shown.length);
}

/** The charts' text equivalents (for screen readers and for the record). */
function describeCharts({ current, preds }: TrainState, shown: number): void {
  const last = current?.records[current.records.length - 1];
  if (current && last) {
    $('risk-desc').textContent =
      `${shown} run(s). Run #${current.id}, step ${last.step}: training risk ${formatNumber(last.risk)}, test risk ${formatNumber(last.testRisk ?? NaN)}; started at ${formatNumber(current.records[0].risk)}.`;
    const rho = rhoOf(current.config);
    $('rho-desc').textContent =
      `Run #${current.id}, step ${last.step}: effective radius ${formatNumber(last.rhoEff)}${rho !== undefined ? ` of the projection radius ${rho}` : ''}.`;
    $('mem-desc').textContent =
      `Run #${current.id}, step ${last.step}: memory factor ${formatNumber(last.memoryFactor)} (below 1: short memory).`;
  }
  if (preds)
    $('pred-desc').textContent =
      `${preds.target.length} test sequences: prediction against target, with the diagonal y = x.`;
}
