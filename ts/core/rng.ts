/** Seeded randomness: every random draw in rnn-gd flows from a seedrandom stream. */
import seedrandom from 'seedrandom';

export type Seed = string | number;

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller, one value per call; the pair's second value is cached). */
  normal(): number;
  /** +1 or -1 with probability 1/2. */
  rademacher(): number;
  /** Uniform integer in [0, k). */
  int(k: number): number;
}

/**
 * A deterministic stream for (seed, stream name): the same pair gives the same numbers in Node,
 * in workers and in browsers. Distinct stream names give independent streams from one seed.
 */
export function makeRng(seed: Seed, stream = ''): Rng {
  const prng = seedrandom(`${seed}/${stream}`);
  let spare: number | undefined;
  return {
    uniform: () => prng(),
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      const u1 = 1 - prng(); // in (0, 1]: log is finite
      const u2 = prng();
      const r = Math.sqrt(-2 * Math.log(u1));
      spare = r * Math.sin(2 * Math.PI * u2);
      return r * Math.cos(2 * Math.PI * u2);
    },
    rademacher: () => (prng() < 0.5 ? -1 : 1),
    int: (k) => Math.floor(prng() * k),
  };
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
