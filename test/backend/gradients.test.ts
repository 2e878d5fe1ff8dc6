/** BPTT gradients of the float64 reference backend against central finite differences. */
import { describe, expect, it } from 'vitest';
import { tsBackend } from '../../ts/backend/ts-backend.js';
import { initialize } from '../../ts/train/init.js';
import { ACTIVATIONS } from '../../ts/core/activations.js';
import type { ModelParams, Readout, Recurrence } from '../../ts/core/types.js';
import { randomData } from '../helpers.js';

const backend = tsBackend({ dtype: 'float64' });

/** Moves parameters off the symmetric init (where f = 0) so every gradient term is exercised. */
function perturbed(recurrence: Recurrence, activation: (typeof ACTIVATIONS)[number], readout: Readout): ModelParams {
  const p = initialize({ recurrence, activation, readout, m: 6, d: 3, alpha: 0.8 }, { seed: 'grad' });
  for (let i = 0; i < p.W.length; i++) p.W[i] += 0.3 * Math.sin(3.1 * i + 1);
  for (let i = 0; i < p.U.length; i++) p.U[i] += 0.3 * Math.cos(1.7 * i + 2);
  return p;
}

describe('ts float64 gradients match central finite differences', () => {
  for (const recurrence of ['dense', 'diagonal'] as const) {
    for (const activation of ACTIVATIONS) {
      for (const readout of ['final', 'all'] as const) {
        it(`${recurrence} ${activation} ${readout}`, () => {
          const params = perturbed(recurrence, activation, readout);
          const data = randomData(4, 5, 3, readout, `${recurrence}${activation}${readout}`);
          using net = backend.network(params);
          using ws = net.workspace(data.n, data.T);
          ws.setData(data);
          ws.lossGrad();
          const grads = { W: net.read('gradW'), U: net.read('gradU') };
          const h = 1e-6;
          let worst = 0,
            skipped = 0,
            total = 0;
          for (const name of ['W', 'U'] as const) {
            const base = net.read(name);
            for (let i = 0; i < base.length; i++) {
              const probe = base.slice();
              probe[i] = base[i] + h;
              net.write(name, probe);
              const plus = ws.forward().loss;
              probe[i] = base[i] - h;
              net.write(name, probe);
              const minus = ws.forward().loss;
              net.write(name, base);
              const fd = (plus - minus) / (2 * h);
              const g = grads[name][i];
              // relu: skip coordinates whose finite difference straddles a kink.
              const err = Math.abs(fd - g) / Math.max(1e-3, Math.abs(fd), Math.abs(g));
              total++;
              if (activation === 'relu' && err > 1e-3) {
                skipped++;
                continue;
              }
              worst = Math.max(worst, err);
            }
          }
          expect(worst).toBeLessThanOrEqual(1e-6);
          expect(skipped).toBeLessThanOrEqual(total * 0.05);
        });
      }
    }
  }
});
