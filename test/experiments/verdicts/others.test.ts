/** E3, E4, E5, E6, E9 rules against synthetic measurements. */
import { describe, expect, it } from 'vitest';
import { judgeProjection, PROJECTION_RULE, type PairedRun } from '../../../dist/experiments/verdicts/projection.js';
import { judgeLaziness } from '../../../dist/experiments/verdicts/laziness.js';
import { judgeRate } from '../../../dist/experiments/verdicts/rate.js';
import { judgeFloor } from '../../../dist/experiments/verdicts/floor.js';
import { judgeGap } from '../../../dist/experiments/verdicts/linearization.js';
import { syntheticValues } from '../../../dist/experiments/verdicts/synthetic.js';

const noise = (stream: string, sigma = 0.1, seeds = 5) => ({ seeds, sigma, stream });

describe('E3: projected GD against GD', () => {
  const paired = (ratio: number, active: boolean, stream: string, sigma = 0.1, seeds = 5): PairedRun[] =>
    syntheticValues(() => ratio, [16, 64], noise(stream, sigma, seeds)).map((v) => ({
      m: v.x,
      rho: 1,
      seed: v.seed,
      gd: 1e-4,
      projected: 1e-4 * (active ? v.y : 1),
      active,
      violated: false,
    }));
  it('matches when the projection acts and costs little', () => {
    expect(judgeProjection(paired(1.1, true, 'good')).verdict).toBe('matches');
  });
  it('does not match 3x GD at risks of 1e-4 (the old +0.001 slack passed it)', () => {
    const j = judgeProjection(paired(3, true, 'bad'));
    expect(j.verdict, j.reason).toBe('does not match');
    expect(PROJECTION_RULE.MAX_RATIO).toBeLessThan(3);
  });
  it('is inconclusive when the projection never acts, or noise straddles 1.5x', () => {
    const j = judgeProjection(paired(1, false, 'inactive'));
    expect(j.verdict).toBe('inconclusive');
    expect(j.inactive.length).toBe(2);
    expect(judgeProjection(paired(1.5, true, 'noisy', 0.8, 5)).verdict).toBe('inconclusive');
  });
  it('does not match when rho_s exceeds rho', () => {
    const runs = paired(1, true, 'viol').map((r, i) => ({ ...r, violated: i === 0 }));
    expect(judgeProjection(runs).verdict).toBe('does not match');
  });
});

describe('E4: laziness', () => {
  const MS = [8, 16, 32, 64, 128, 256];
  const runs = (dp: number, mp: number, stream: string, sigma = 0.1, seeds = 5) => {
    const d = syntheticValues((m) => m ** dp, MS, noise(`${stream}/d`, sigma, seeds));
    const mv = syntheticValues((m) => m ** mp, MS, noise(`${stream}/m`, sigma, seeds));
    return d.map((v, i) => ({ m: v.x, seed: v.seed, drift: v.y, movement: mv[i].y }));
  };
  it('matches drift ~ m^-0.9 with flat movement', () =>
    expect(judgeLaziness(runs(-0.9, 0, 'ok'), 't').verdict).toBe('matches'));
  it('does not match a drift that falls only like m^-0.1, nor a movement ~ m^0.5', () => {
    expect(judgeLaziness(runs(-0.1, 0, 'slow'), 't').verdict).toBe('does not match');
    expect(judgeLaziness(runs(-0.9, 0.5, 'move'), 't').verdict).toBe('does not match');
  });
  it('is inconclusive with 2 seeds or a noisy drift near m^-0.25', () => {
    expect(judgeLaziness(runs(-0.9, 0, 'two', 0.1, 2), 't').verdict).toBe('inconclusive');
    expect(judgeLaziness(runs(-0.25, 0, 'near', 0.5, 5), 't').verdict).toBe('inconclusive');
  });
});

describe('E5: the bound constant and 1/eta', () => {
  const ETAS = [0.125, 0.25, 0.5, 1, 2];
  const nu = 5,
    tau = 100;
  const runs = (frac: number, p: number, stream: string, sigma = 0.1, seeds = 5) =>
    syntheticValues(
      (eta) => ((frac * 2 * nu ** 2) / (tau * 0.125)) * (eta / 0.125) ** p,
      ETAS,
      noise(stream, sigma, seeds),
    ).map((v) => ({ eta: v.x, seed: v.seed, tau, avgRisk: v.y, nu }));
  it('matches A well below 2 nu^2/(eta tau) scaling like 1/eta', () =>
    expect(judgeRate(runs(0.05, -1, 'ok')).verdict).toBe('matches'));
  it('does not match A above the bound, nor A ~ eta^-0.5', () => {
    expect(judgeRate(runs(3, -1, 'above')).verdict).toBe('does not match');
    expect(judgeRate(runs(0.05, -0.5, 'law')).verdict).toBe('does not match');
  });
  it('is inconclusive with heavy noise on the exponent or 2 seeds', () => {
    expect(judgeRate(runs(0.05, -0.8, 'noisy', 0.8, 5)).verdict).toBe('inconclusive');
    expect(judgeRate(runs(0.05, -1, 'two', 0.1, 2)).verdict).toBe('inconclusive');
  });
});

describe('E6: the approximation floor', () => {
  const MS = [4, 8, 16, 32, 64, 128, 256];
  const NS = [64, 256, 1024, 4096];
  const runs = (mp: number, np: number, stream: string, sigma = 0.1, seeds = 5) =>
    NS.flatMap((n) =>
      syntheticValues((m) => m ** mp * n ** np, MS, noise(`${stream}/${n}`, sigma, seeds)).map((v) => ({
        n,
        m: v.x,
        seed: v.seed,
        oracle: v.y,
      })),
    );
  it('matches 1/m flat in n', () => expect(judgeFloor(runs(-1, 0, 'ok')).verdict).toBe('matches'));
  it('does not match m^-0.5, nor growth like n^0.5', () => {
    expect(judgeFloor(runs(-0.5, 0, 'slow')).verdict).toBe('does not match');
    expect(judgeFloor(runs(-1, 0.5, 'n')).verdict).toBe('does not match');
  });
  it('is inconclusive with 2 seeds or heavy noise at m^-0.75', () => {
    expect(judgeFloor(runs(-1, 0, 'two', 0.1, 2)).verdict).toBe('inconclusive');
    expect(judgeFloor(runs(-0.75, 0, 'noisy', 1.5, 5)).verdict).toBe('inconclusive');
  });
});

describe('E9: the linearization gap', () => {
  const MS = [16, 32, 64, 128, 256, 512];
  const runs = (p: number, stream: string, sigma = 0.1, seeds = 5) =>
    syntheticValues((m) => m ** p, MS, noise(stream, sigma, seeds)).map((v) => ({ m: v.x, seed: v.seed, gap: v.y }));
  it('matches m^-1.3', () => expect(judgeGap(runs(-1.3, 'ok')).verdict).toBe('matches'));
  it('does not match m^-0.3 (slower than the bound)', () =>
    expect(judgeGap(runs(-0.3, 'slow')).verdict).toBe('does not match'));
  it('is inconclusive at m^-0.5 with noise, or with 2 seeds', () => {
    expect(judgeGap(runs(-0.5, 'near', 0.5)).verdict).toBe('inconclusive');
    expect(judgeGap(runs(-1.3, 'two', 0.1, 2)).verdict).toBe('inconclusive');
  });
});
