/**
 * The core parity suite in a form that runs anywhere (the browser page, Node): the wasm backend
 * (float32) against the float64 TypeScript reference on outputs, loss and gradients, for every
 * recurrence x activation x readout, plus a 50-step projected GD trajectory. Same checks and
 * tolerances as test/core/backends.test.ts.
 */
import { generateInputs, makeRng } from 'rnn-gd/data';
import {
  ACTIVATIONS,
  initialize,
  targetsPerSequence,
  tsBackend,
  type Backend,
  type Dataset,
  type ModelParams,
  type Readout,
  type Recurrence,
} from 'rnn-gd';

export interface ParityCase {
  name: string;
  relPredictions: number;
  relLoss: number;
  relGradW: number;
  relGradU: number;
  ok: boolean;
}

export const PARITY_TOLERANCE = 1e-4;

export function relError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  let num = 0,
    den = floor;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

const f32 = (a: ArrayLike<number>) => Float64Array.from(Float32Array.from(a as ArrayLike<number>));

function randomData(n: number, T: number, d: number, readout: Readout, seed: string): Dataset {
  const rng = makeRng(seed, 'test-data');
  const X = generateInputs({ kind: 'gaussian', scale: 1 }, n, T, d, rng);
  const Y = new Float64Array(n * targetsPerSequence(readout, T));
  for (let i = 0; i < Y.length; i++) Y[i] = 0.5 * rng.normal();
  return { n, T, d, X: f32(X), Y: f32(Y) };
}

function perturbed(recurrence: Recurrence, activation: (typeof ACTIVATIONS)[number], readout: Readout): ModelParams {
  const p = initialize({ recurrence, activation, readout, m: 12, d: 3, alpha: 0.9 }, { seed: 'parity' });
  for (let i = 0; i < p.W.length; i++) p.W[i] += 0.2 * Math.sin(3.1 * i + 1);
  for (let i = 0; i < p.U.length; i++) p.U[i] += 0.2 * Math.cos(1.7 * i + 2);
  for (const k of ['W', 'U', 'W0', 'U0'] as const) p[k] = f32(p[k]);
  return p;
}

function evaluate(b: Backend, p: ModelParams, data: Dataset) {
  const net = b.network(p);
  const ws = net.workspace(data.n, data.T);
  try {
    ws.setData(data);
    const { predictions } = ws.forward();
    const loss = ws.lossGrad();
    return { predictions, loss, gW: Float64Array.from(net.read('gradW')), gU: Float64Array.from(net.read('gradU')) };
  } finally {
    ws.free();
    net.free();
  }
}

export function runParity(wasm: Backend): ParityCase[] {
  const reference = tsBackend({ dtype: 'float64' });
  const out: ParityCase[] = [];
  for (const recurrence of ['dense', 'diagonal'] as const) {
    for (const activation of ACTIVATIONS) {
      for (const readout of ['final', 'all'] as const) {
        const p = perturbed(recurrence, activation, readout);
        const data = randomData(7, 9, 3, readout, recurrence + activation);
        const a = evaluate(wasm, p, data),
          b = evaluate(reference, p, data);
        const c = {
          name: `${recurrence} ${activation} ${readout}`,
          relPredictions: relError(a.predictions, b.predictions),
          relLoss: Math.abs(a.loss - b.loss) / b.loss,
          relGradW: relError(a.gW, b.gW),
          relGradU: relError(a.gU, b.gU),
        };
        out.push({ ...c, ok: Math.max(c.relPredictions, c.relLoss, c.relGradW, c.relGradU) <= PARITY_TOLERANCE });
      }
    }
  }
  // 50 steps of projected GD (dense, max-norm): the trajectories stay together.
  const p = initialize(
    { recurrence: 'dense', activation: 'tanh', readout: 'final', m: 16, d: 4, alpha: 0.7 },
    { seed: 3 },
  );
  const data = randomData(32, 10, 4, 'final', 'traj');
  const traj = (b: Backend) => {
    const net = b.network(p);
    const ws = net.workspace(data.n, data.T);
    try {
      ws.setData(data);
      const chunk = ws.train(50, 0.5, { kind: 'maxnorm', rho: 1 });
      return { losses: chunk.losses, W: Float64Array.from(net.read('W')) };
    } finally {
      ws.free();
      net.free();
    }
  };
  const a = traj(wasm),
    b = traj(reference);
  const relLoss = relError(a.losses, b.losses),
    relW = relError(a.W, b.W);
  out.push({
    name: 'dense tanh final: 50 projected GD steps',
    relPredictions: 0,
    relLoss,
    relGradW: relW,
    relGradU: 0,
    ok: Math.max(relLoss, relW) <= PARITY_TOLERANCE,
  });
  return out;
}
