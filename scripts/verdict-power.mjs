#!/usr/bin/env node
// Power of the verdict rules by simulation (docs/experiments.md, "Verdict rules and their power"):
// for a design (levels, seeds, grid, budget) and an effect size, the share of synthetic data sets
// (stats from verdicts/synthetic.ts) on which the rule reaches each verdict. Run after `make build`:
//   node scripts/verdict-power.mjs [sims] [E1|E2|E4|E9 (default: all)]
import { judgeWidthInN } from '../dist/experiments/verdicts/width.js';
import { judgeSeries } from '../dist/experiments/verdicts/cutoff.js';
import { judgeGap } from '../dist/experiments/verdicts/linearization.js';
import { judgeLaziness } from '../dist/experiments/verdicts/laziness.js';
import { syntheticTaus, syntheticValues, syntheticWidths } from '../dist/experiments/verdicts/synthetic.js';

const sims = Number(process.argv[2] ?? 20);
const only = process.argv[3];
const want = (id) => !only || only === id;
const share = (verdicts, v) => verdicts.filter((x) => x === v).length / verdicts.length;
const row = (what, vs) =>
  console.log(
    `${what}: matches ${share(vs, 'matches').toFixed(2)}, does not match ${share(vs, 'does not match').toFixed(2)}, inconclusive ${share(vs, 'inconclusive').toFixed(2)}`,
  );
const run = (f) => Array.from({ length: sims }, (_, i) => f(i));

// E1: m* = c n^p seen through the width grid; seed noise sigma 0.15 (per point) and 0.1 (per seed),
// the spread of the full run's drift crossings (0.147 and 0.116 in ln m).
const E1 = {
  quick: { ns: [32, 64, 128, 256, 512, 1024, 2048], grid: [2, 4, 6, 8, 12, 16, 24, 32, 64, 128], seeds: 5, c: 6 },
  full: {
    ns: [64, 128, 256, 512, 1024, 2048],
    grid: [16, 24, 32, 48, 64, 76, 90, 108, 128, 152, 180, 216, 256, 304, 362, 430, 512, 724, 1024],
    seeds: 10,
    c: 90,
  },
};
if (want('E1'))
  for (const [size, d] of Object.entries(E1))
    for (const p of [0, 0.15, 0.3, 0.4, 0.5, 0.7])
      row(
        `E1 ${size}, m* = ${d.c} (n/${d.ns[0]})^${p}`,
        run(
          (i) =>
            judgeWidthInN(
              syntheticWidths((n) => d.c * (n / d.ns[0]) ** p, d.ns, d.grid, {
                seeds: d.seeds,
                sigma: 0.15,
                seedSigma: 0.1,
                stream: `E1/${size}/${p}/${i}`,
              }),
            ).verdict,
        ),
      );

// E2: tau = 30 e^(r T) on the long side, noise 0.3, censored at the budget.
const E2 = {
  quick: { Ts: [2, 4, 8, 16, 32], seeds: 5, budget: 2000 },
  full: { Ts: [2, 4, 8, 16, 32, 64], seeds: 5, budget: 5000 },
};
if (want('E2'))
  for (const [size, d] of Object.entries(E2))
    for (const r of [0, 0.02, 0.05, 0.1, 0.2])
      row(
        `E2 ${size}, long side, tau = 30 e^(${r} T)`,
        run(
          (i) =>
            judgeSeries(
              syntheticTaus((T) => 30 * Math.exp(r * T), d.Ts, d.budget, {
                seeds: d.seeds,
                sigma: 0.3,
                stream: `E2/${size}/${r}/${i}`,
              }),
              'long',
              `p/${i}`,
            ).verdict ?? 'inconclusive',
        ),
      );
if (want('E2'))
  for (const [size, d] of Object.entries(E2))
    for (const k of [1, 2])
      row(
        `E2 ${size}, long side, polynomial tau = 30 T^${k}`,
        run(
          (i) =>
            judgeSeries(
              syntheticTaus((T) => 30 * T ** k, d.Ts, d.budget, {
                seeds: d.seeds,
                sigma: 0.3,
                stream: `E2p/${size}/${k}/${i}`,
              }),
              'long',
              `q/${i}`,
            ).verdict ?? 'inconclusive',
        ),
      );

// E4: drift ~ m^p, movement flat, noise 0.1.
if (want('E4'))
  for (const [size, d] of Object.entries({
    quick: { ms: [8, 16, 32, 64, 128, 256], seeds: 5 },
    full: { ms: [8, 16, 32, 64, 128, 256, 512, 1024], seeds: 5 },
  }))
    for (const p of [-0.5, -0.35, -0.25, -0.15, 0])
      row(
        `E4 ${size}, drift ~ m^${p}`,
        run((i) => {
          const dr = syntheticValues((m) => m ** p, d.ms, {
            seeds: d.seeds,
            sigma: 0.1,
            stream: `E4/${size}/${p}/${i}`,
          });
          return judgeLaziness(
            dr.map((v) => ({ m: v.x, seed: v.seed, drift: v.y, movement: 1 })),
            `E4/${i}`,
          ).verdict;
        }),
      );

// E9: gap ~ m^p, noise 0.1.
if (want('E9'))
  for (const [size, d] of Object.entries({
    quick: { ms: [16, 32, 64, 128, 256, 512], seeds: 5 },
    full: { ms: [16, 32, 64, 128, 256, 512, 1024, 2048], seeds: 5 },
  }))
    for (const p of [-0.8, -0.6, -0.5, -0.4, -0.2])
      row(
        `E9 ${size}, gap ~ m^${p}`,
        run(
          (i) =>
            judgeGap(
              syntheticValues((m) => m ** p, d.ms, { seeds: d.seeds, sigma: 0.1, stream: `E9/${size}/${p}/${i}` }).map(
                (v) => ({ m: v.x, seed: v.seed, gap: v.y }),
              ),
            ).verdict,
        ),
      );
