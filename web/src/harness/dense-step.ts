/**
 * The dense reference step (bench case dense-128 of docs/performance.md): m = 128, d = 8, T = 20,
 * n = 256, one full-batch projected GD step (eta 0.2, max-norm rho 1), from the parameters and data
 * of the bench's own recipe module (bench/lib/recipe.mjs), so page, Node and bench time the same work.
 */
import type { Backend } from 'rnn-gd';
import { benchData, benchParams, CASES, ETA, PROJECTION } from '../../../bench/lib/recipe.mjs';

const DENSE_CASE = CASES.find((c) => c.name === 'dense-128')!;

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
  const net = backend.network(benchParams(c));
  const ws = net.workspace(c.n, c.T);
  try {
    ws.setData(benchData(c));
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
    return { backend: backend.description, medianMs, samples, loss0, gflops: c.flops / (medianMs * 1e6) };
  } finally {
    ws.free();
    net.free();
  }
}
