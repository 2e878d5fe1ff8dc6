/** The data option labels: 'random' (E1-random's control): N(0, 1) labels independent of the inputs. */
import { describe, expect, it } from 'vitest';
import { generateData } from '../../ts/data/generate.js';

const config = {
  system: 'transport',
  n: 400,
  nTest: 100,
  T: 5,
  d: 3,
  M: 64,
  backend: 'ts',
  normalize: 'scale',
} as const;

describe("labels: 'random'", () => {
  it('keeps the inputs and replaces the targets with N(0, 1) labels, dropping the transport map', async () => {
    const sys = await generateData(config, 3);
    const rnd = await generateData({ ...config, labels: 'random' }, 3);
    expect(Array.from(rnd.train.X)).toEqual(Array.from(sys.train.X));
    expect(rnd.meta.labels).toBe('random');
    expect(sys.meta.labels).toBe('system');
    expect(rnd.map).toBeUndefined();
    expect(sys.map).toBeDefined();
    const y = Array.from(rnd.train.Y);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const sd = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
    expect(Math.abs(mean)).toBeLessThan(0.2);
    expect(sd).toBeGreaterThan(0.85);
    expect(sd).toBeLessThan(1.15);
    // independent of the system's targets
    const ys = Array.from(sys.train.Y);
    const my = ys.reduce((s, v) => s + v, 0) / ys.length;
    const cov = y.reduce((s, v, k) => s + (v - mean) * (ys[k] - my), 0) / y.length;
    const sy = Math.sqrt(ys.reduce((s, v) => s + (v - my) ** 2, 0) / ys.length);
    expect(Math.abs(cov / (sd * sy))).toBeLessThan(0.2);
    expect(Array.from(rnd.clean.train)).toEqual(y);
    // reproducible
    expect(Array.from((await generateData({ ...config, labels: 'random' }, 3)).train.Y)).toEqual(y);
  });

  it('refuses an unknown labels value, naming the field', async () => {
    await expect(generateData({ ...config, labels: 'shuffled' } as never)).rejects.toThrow(/labels/);
  });
});
