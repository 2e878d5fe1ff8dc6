/** What the theory says about a diverged run's step size, for the Trainer's divergence message. */
import { activations } from '../core/activations.js';
import type { DivergenceHint } from '../core/types.js';
import { bounds } from './bounds.js';

/**
 * '; the theory's etaMax for this setting is ...' (bounds() at |alpha|, T, m, n), or why the theory
 * has none here (a non-smooth activation, or a long-memory regime beyond float64). A DivergenceHint.
 */
export const etaMaxHint: DivergenceHint = ({ spec, n, T }) => {
  if (!activations[spec.activation].smooth)
    return `; the theory gives no etaMax for '${spec.activation}' (outside its smooth activations): try a smaller eta`;
  try {
    const b = bounds({ activation: spec.activation, alpha: Math.abs(spec.alpha), T, m: spec.m, n });
    return `; the theory's etaMax for this setting is ${b.etaMax.toPrecision(4)} (our derived constant, conservative)`;
  } catch {
    return "; the theory's etaMax cannot be evaluated in float64 here (long-memory regime): try a much smaller eta";
  }
};
