/**
 * Plots as vega-lite specs (data inline) and their headless SVG rendering with vega + vega-lite
 * (no DOM, no canvas: `renderer: 'none'` and view.toSVG()). The specs are saved beside the SVGs so
 * anyone can restyle them (vega editor, Altair).
 */
export type VlSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface LineChartOptions {
  title: string;
  data: Record<string, unknown>[];
  x: string;
  y: string;
  xTitle?: string;
  yTitle?: string;
  xLog?: boolean;
  yLog?: boolean;
  /** Series field (one line per value). */
  color?: string;
  colorTitle?: string;
  /** Fields of the lower and upper ends of an error bar (mean ± std). */
  yLow?: string;
  yHigh?: string;
  /** Horizontal reference lines: { y, label }. */
  rules?: { y: number; label: string }[];
  /** Shape field of the points (e.g. reached against censored runs). */
  shape?: string;
  /** With `shape`: the one value drawn filled; the others are hollow (censored runs bound a value, they do not measure it). */
  filledValue?: string;
  /** Draw points only (no line). */
  pointsOnly?: boolean;
  /** Extra layers (e.g. a fitted curve) with their own data. */
  extraLayers?: VlSpec[];
  width?: number;
  height?: number;
  colorType?: 'nominal' | 'ordinal' | 'quantitative';
}

export function lineChart(o: LineChartOptions): VlSpec {
  const xScale = o.xLog ? { type: 'log', nice: false, padding: 8 } : { zero: false };
  // A linear y axis starts at zero: a cut axis makes a small change look like steady growth.
  const yScale = o.yLog ? { type: 'log', nice: false, padding: 8 } : { zero: true };
  const x = { field: o.x, type: 'quantitative', title: o.xTitle ?? o.x, scale: xScale };
  const y = { field: o.y, type: 'quantitative', title: o.yTitle ?? o.y, scale: yScale };
  const color = o.color
    ? { field: o.color, type: o.colorType ?? 'nominal', title: o.colorTitle ?? o.color, legend: { labelLimit: 320 } }
    : undefined;
  // On a log axis an error bar cannot reach 0 or below: clip its lower end at the value itself.
  const data =
    o.yLog && o.yLow
      ? o.data.map((d) => {
          const lo = d[o.yLow!] as number | null,
            y = d[o.y] as number | null;
          return typeof lo === 'number' && lo > 0 ? d : { ...d, [o.yLow!]: y };
        })
      : o.data;
  const enc = { x, y, ...(color ? { color } : {}) };
  const layers: VlSpec[] = [];
  if (!o.pointsOnly) layers.push({ mark: { type: 'line', strokeWidth: 1.5 }, encoding: enc });
  const shape = o.shape
    ? {
        shape: { field: o.shape, type: 'nominal', title: o.shape },
        ...(o.filledValue !== undefined
          ? {
              fillOpacity: {
                condition: { test: `datum[${JSON.stringify(o.shape)}] !== ${JSON.stringify(o.filledValue)}`, value: 0 },
                value: 1,
              },
            }
          : {}),
      }
    : {};
  layers.push({
    mark: { type: 'point', filled: true, size: 30 },
    encoding: {
      ...enc,
      ...shape,
      tooltip: [
        { field: o.x },
        { field: o.y },
        ...(o.color ? [{ field: o.color }] : []),
        ...(o.shape ? [{ field: o.shape }] : []),
      ],
    },
  });
  if (o.yLow && o.yHigh) {
    layers.push({
      mark: { type: 'errorbar', ticks: true },
      encoding: {
        x,
        y: { field: o.yLow, type: 'quantitative', scale: yScale, title: o.yTitle ?? o.y },
        y2: { field: o.yHigh },
        ...(color ? { color } : {}),
      },
    });
  }
  for (const r of o.rules ?? []) {
    layers.push({
      data: { values: [{ y: r.y, label: r.label }] },
      layer: [
        {
          mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
          encoding: { y: { field: 'y', type: 'quantitative' } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#666', fontSize: 10 },
          encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
        },
      ],
    });
  }
  layers.push(...(o.extraLayers ?? []));
  return {
    $schema: SCHEMA,
    title: o.title,
    width: o.width ?? 420,
    height: o.height ?? 280,
    data: { values: data },
    layer: layers,
  };
}

/** A fitted curve as an extra layer: `fn` sampled at `xs`, drawn dashed. */
export function curveLayer(
  xs: number[],
  fn: (x: number) => number,
  xField: string,
  yField: string,
  label: string,
  color = '#444',
): VlSpec {
  const values = xs
    .map((x) => ({ [xField]: x, [yField]: fn(x), fit: label }))
    .filter((v) => Number.isFinite(v[yField] as number));
  return {
    data: { values },
    mark: { type: 'line', strokeDash: [6, 3], color, strokeWidth: 1.2 },
    encoding: {
      x: { field: xField, type: 'quantitative' },
      y: { field: yField, type: 'quantitative' },
      detail: { field: 'fit' },
    },
  };
}

/** Evenly spaced samples between a and b (geometric when `log`). */
export function samples(a: number, b: number, count = 40, log = false): number[] {
  return Array.from({ length: count }, (_, i) => {
    const t = i / (count - 1);
    return log ? Math.exp(Math.log(a) + t * (Math.log(b) - Math.log(a))) : a + t * (b - a);
  });
}

/** How to get SVGs when vega is missing (the report says it where the plot would be). */
export const PLOTTING_HINT =
  'vega, vega-lite and vega-interpreter are optional peer dependencies of rnn-gd, not installed with it: ' +
  '`npm install vega vega-lite vega-interpreter` in your project, then `rnn-gd report DIR` renders the SVGs; ' +
  'the vega-lite spec (.vl.json) is written either way (it opens in https://vega.github.io/editor)';

/**
 * Renders a vega-lite spec to an SVG string, headless. vega and vega-lite are optional peer
 * dependencies (44 MB and ~90 packages the numerics do not need), loaded on first use; when they
 * are not installed this rejects with PLOTTING_HINT. Expressions are interpreted (vega-interpreter),
 * not compiled with `new Function`: the lab's Content-Security-Policy has no 'unsafe-eval'.
 */
export async function renderSvg(spec: VlSpec): Promise<string> {
  let vega: typeof import('vega');
  let vl: typeof import('vega-lite');
  let expressionInterpreter: typeof import('vega-interpreter').expressionInterpreter;
  try {
    [vega, vl, { expressionInterpreter }] = await Promise.all([
      import('vega'),
      import('vega-lite'),
      import('vega-interpreter'),
    ]);
  } catch (err) {
    throw new Error(`${PLOTTING_HINT} (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), {
    renderer: 'none',
    expr: expressionInterpreter,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
