/**
 * Hand-rolled SVG charts for the training view (line charts with a log or linear y axis, a scatter
 * plot; several runs overlaid in their own colours).
 * No plotting library: four small charts redrawn a few times a second need ~200 lines, while
 * vega-embed would add about a megabyte of JavaScript to the page (docs/browser.md).
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

export interface Series {
  name: string;
  /** x, y pairs; non-finite y values (and y <= 0 on a log axis) are skipped. */
  points: ReadonlyArray<readonly [number, number]>;
  className: string;
  /** draw dots instead of a line */
  dots?: boolean;
  /** stroke colour (overlaid runs); otherwise the class's */
  color?: string;
  dashed?: boolean;
}

export interface Rule {
  /** horizontal (y) or vertical (x) reference line */
  y?: number;
  x?: number;
  label: string;
  className: string;
}

export interface ChartSpec {
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  series: Series[];
  rules?: Rule[];
  /** force the y range to include these values */
  yInclude?: number[];
  /** same range on both axes, with the diagonal y = x (predictions against targets) */
  square?: boolean;
  /** legend entries instead of one per series (overlaid runs are named outside the chart) */
  legend?: { name: string; className: string; dashed?: boolean }[];
}

const M = { top: 28, right: 14, bottom: 42, left: 58 };

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo)),
    b = Math.ceil(Math.log10(hi));
  const out: number[] = [];
  const mult = b - a <= 2 ? [1, 2, 5] : [1];
  for (let e = a; e <= b; e++)
    for (const f of mult) {
      const v = f * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  return out.length >= 2 ? out : [lo, hi];
}

export const formatNumber = (v: number): string => {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return Number(v.toPrecision(3)).toString();
};

const DASH = { 'stroke-dasharray': '6 4' };
const look = (s: Series): Record<string, string> => ({
  ...(s.color ? { style: `stroke: ${s.color}` } : {}),
  ...(s.dashed ? DASH : {}),
});

/** Redraws `svg` with the chart (its <title>/<desc> children stay); `width`: its on-screen width in CSS px. */
export function drawChart(svg: SVGSVGElement, spec: ChartSpec, width = svg.getBoundingClientRect().width): void {
  // One viewBox unit per CSS pixel (within limits), so labels keep their size on narrow screens.
  const W = Math.round(Math.min(640, Math.max(280, width || 480)));
  const H = Math.round(Math.min(320, Math.max(230, 0.62 * W)));
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  for (const child of [...svg.childNodes])
    if (!(child instanceof SVGTitleElement || child instanceof SVGDescElement)) child.remove();
  const ok = (y: number) => Number.isFinite(y) && (!spec.logY || y > 0);
  const pts = spec.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && ok(y)));
  if (pts.length === 0) {
    svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, 'no data yet'));
    return;
  }
  let x0 = Math.min(...pts.map((p) => p[0])),
    x1 = Math.max(...pts.map((p) => p[0]));
  const ys = [
    ...pts.map((p) => p[1]),
    ...(spec.yInclude ?? []).filter(ok),
    ...(spec.rules ?? []).flatMap((r) => (r.y !== undefined && ok(r.y) ? [r.y] : [])),
  ];
  let y0 = Math.min(...ys),
    y1 = Math.max(...ys);
  if (spec.square) {
    x0 = y0 = Math.min(x0, y0);
    x1 = y1 = Math.max(x1, y1);
  }
  if (x1 === x0) {
    x0 -= 0.5;
    x1 += 0.5;
  }
  if (spec.logY) {
    if (y1 / y0 < 1.5) {
      y0 /= 1.25;
      y1 *= 1.25;
    }
  } else {
    if (y1 === y0) {
      y0 -= 0.5;
      y1 += 0.5;
    }
    const pad = 0.05 * (y1 - y0);
    y0 -= pad;
    y1 += pad;
  }
  if (spec.square) {
    x0 = y0;
    x1 = y1;
  }
  const pw = W - M.left - M.right,
    ph = H - M.top - M.bottom;
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0)) * pw;
  const ty = spec.logY ? Math.log10 : (v: number) => v;
  const sy = (y: number) => M.top + ph - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0))) * ph;

  const g = el('g', { class: 'axes' });
  for (const v of niceTicks(x0, x1, 5)) {
    g.append(el('line', { x1: sx(v), x2: sx(v), y1: M.top, y2: M.top + ph, class: 'grid' }));
    g.append(el('text', { x: sx(v), y: M.top + ph + 16, 'text-anchor': 'middle' }, formatNumber(v)));
  }
  for (const v of spec.logY ? logTicks(y0, y1) : niceTicks(y0, y1, 5)) {
    g.append(el('line', { x1: M.left, x2: M.left + pw, y1: sy(v), y2: sy(v), class: 'grid' }));
    g.append(el('text', { x: M.left - 6, y: sy(v) + 4, 'text-anchor': 'end' }, formatNumber(v)));
  }
  g.append(el('rect', { x: M.left, y: M.top, width: pw, height: ph, class: 'frame' }));
  g.append(el('text', { x: M.left + pw / 2, y: H - 6, 'text-anchor': 'middle', class: 'label' }, spec.xLabel));
  g.append(
    el(
      'text',
      {
        x: 14,
        y: M.top + ph / 2,
        'text-anchor': 'middle',
        class: 'label',
        transform: `rotate(-90 14 ${M.top + ph / 2})`,
      },
      spec.yLabel,
    ),
  );
  svg.append(g);

  const clipId = `clip-${svg.id || Math.random().toString(36).slice(2)}`;
  const clip = el('clipPath', { id: clipId });
  clip.append(el('rect', { x: M.left, y: M.top, width: pw, height: ph }));
  svg.append(clip);
  const plot = el('g', { 'clip-path': `url(#${clipId})` });
  if (spec.square) plot.append(el('line', { x1: sx(x0), y1: sy(x0), x2: sx(x1), y2: sy(x1), class: 'rule diagonal' }));
  for (const r of spec.rules ?? []) {
    if (r.y !== undefined && ok(r.y))
      plot.append(el('line', { x1: M.left, x2: M.left + pw, y1: sy(r.y), y2: sy(r.y), class: `rule ${r.className}` }));
    if (r.x !== undefined)
      plot.append(el('line', { x1: sx(r.x), x2: sx(r.x), y1: M.top, y2: M.top + ph, class: `rule ${r.className}` }));
  }
  for (const s of spec.series) {
    const valid = s.points.filter(([x, y]) => Number.isFinite(x) && ok(y));
    if (valid.length === 0) continue;
    if (s.dots) {
      const d = valid.map(([x, y]) => `M${sx(x).toFixed(1)},${sy(y).toFixed(1)}h0`).join('');
      plot.append(el('path', { d, class: `dots ${s.className}`, 'data-series': s.name, ...look(s) }));
    } else {
      const d = valid.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      plot.append(el('path', { d, class: `line ${s.className}`, 'data-series': s.name, ...look(s) }));
    }
  }
  svg.append(plot);

  // Legend (series and rules), one row above the plot area.
  const legend = el('g', { class: 'legend' });
  const items = [
    ...(spec.legend
      ? spec.legend.map((l) => ({ name: l.name, cls: `line ${l.className}`, dot: false, dashed: l.dashed }))
      : spec.series.map((s) => ({
          name: s.name,
          cls: s.dots ? `dots ${s.className}` : `line ${s.className}`,
          dot: !!s.dots,
          dashed: s.dashed,
        }))),
    ...(spec.rules ?? []).map((r) => ({ name: r.label, cls: `rule ${r.className}`, dot: false, dashed: false })),
  ];
  let x = M.left;
  const y = 14;
  for (const it of items) {
    legend.append(
      it.dot
        ? el('path', { d: `M${x + 9},${y - 4}h0`, class: it.cls })
        : el('line', { x1: x, x2: x + 18, y1: y - 4, y2: y - 4, class: it.cls, ...(it.dashed ? DASH : {}) }),
    );
    legend.append(el('text', { x: x + 24, y }, it.name));
    x += 24 + 6.5 * it.name.length + 16;
  }
  svg.append(legend);
}
