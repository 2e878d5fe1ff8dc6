/**
 * The dense reference step (bench case dense-128 of docs/performance.md): m = 128, d = 8, T = 20,
 * n = 256, one full-batch projected GD step (eta 0.2, max-norm rho 1). Parameters and data follow
 * bench/lib/cases.mjs exactly (same seeds, same recipe), so page, Node and bench time the same work.
 */
import { initialize, type Backend, type Dataset, type ModelParams } from 'rnn-gd';
import { generateInputs, makeRng } from 'rnn-gd/data';

export const DENSE_CASE = { name: 'dense-128', recurrence: 'dense', m: 128, d: 8, T: 20, n: 256 } as const;
const ETA = 0.2;
const PROJECTION = { kind: 'maxnorm', rho: 1 } as const;

function benchParams(): ModelParams {
  const c = DENSE_CASE;
  const p = initialize(
    { recurrence: c.recurrence, activation: 'tanh', readout: 'final', m: c.m, d: c.d, alpha: 1 },
    { seed: `bench-${c.name}` },
  );
  const rng = makeRng(`bench-${c.name}`, 'perturb');
  for (let i = 0; i < p.W.length; i++) p.W[i] = Math.fround(p.W[i] + 0.3 * rng.normal());
  for (let i = 0; i < p.U.length; i++) p.U[i] = Math.fround(p.U[i] + 0.3 * rng.normal());
  p.W0 = p.W.slice();
  p.U0 = p.U.slice();
  return p;
}

function benchData(): Dataset {
  const { n, T, d, name } = DENSE_CASE;
  const rng = makeRng(`bench-${name}`, 'data');
  const X = Float32Array.from(generateInputs({ kind: 'gaussian', scale: 1 }, n, T, d, rng));
  const Y = new Float32Array(n);
  for (let j = 0; j < n; j++) Y[j] = 0.5 * rng.normal();
  return { n, T, d, X, Y };
}

export interface StepTiming {
  backend: string;
  /** median ms of one full-batch GD step */
  medianMs: number;
  samples: number[];
  /** loss before the first step (the same in every runtime, up to float32 rounding) */
  loss0: number;
  gflops: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/** Times `reps` single steps after `warmup` steps (each sample one ws.train(1) call). */
export function timeDenseStep(backend: Backend, opts: { warmup?: number; reps?: number } = {}): StepTiming {
  const { warmup = 5, reps = 25 } = opts;
  const c = DENSE_CASE;
  const net = backend.network(benchParams());
  const ws = net.workspace(c.n, c.T);
  try {
    ws.setData(benchData());
    const loss0 = ws.forward().loss;
    ws.train(warmup, ETA, PROJECTION);
    const samples: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const res = ws.train(1, ETA, PROJECTION);
      samples.push(performance.now() - t0);
      if (res.completed !== 1) throw new Error('dense reference step: non-finite loss');
    }
    const medianMs = median(samples);
    const flops = 6 * c.n * c.T * (c.m * c.m + c.m * c.d);
    return { backend: backend.description, medianMs, samples, loss0, gflops: flops / (medianMs * 1e6) };
  } finally {
    ws.free();
    net.free();
  }
}
