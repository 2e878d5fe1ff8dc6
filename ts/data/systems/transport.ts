/** The transport-map teacher of the diagonal RNN's function class (docs/spec/model.md section 9; ../transport.ts). */
import { z } from 'zod';
import { BACKEND_NAMES } from '../../backend/index.js';
import { commonFields, defineSystem, MAX_GENERATION_WORK, MAX_PARTICLES } from '../system.js';
import { makeClassTeacher, teacherStdErr, teacherValues, transportOptionsSchema } from '../transport.js';

export const transport = defineSystem({
  schema: z
    .object({
      system: z.literal('transport'),
      ...commonFields({ normalize: 'scale' }),
      ...transportOptionsSchema.shape,
      /** backend whose kernels evaluate the teacher */
      backend: z.enum(BACKEND_NAMES).default('wasm'),
    })
    .strict(),
  check(config, bad) {
    if (config.M > MAX_PARTICLES) {
      throw bad(
        'M',
        `${config.M} particles exceed the limit of ${MAX_PARTICLES} (2^26); the Monte-Carlo error already scales like 1/sqrt(M)`,
      );
    }
    const work = config.M * (config.n + config.nTest) * config.T * (1 + config.d);
    if (work > MAX_GENERATION_WORK) {
      throw bad(
        'M',
        `M * (n + nTest) * T * (1 + d) = ${work} operations exceed the limit of 2^40 ` +
          `(hours of compute); use fewer particles M or fewer / shorter sequences`,
      );
    }
    for (const f of ['beta', 'gamma'] as const) {
      const v = config[f];
      if (v && v.length !== config.d) throw bad(f, `has ${v.length} values, expected d = ${config.d}`);
    }
    if (config.antithetic && config.M % 2 !== 0)
      throw bad('M', `must be even with antithetic particles, got ${config.M}`);
    if (config.seParticles > 0) {
      const group = config.antithetic ? 2 : 1;
      if (Math.floor(Math.min(config.seParticles, config.M) / group) < 2) {
        throw bad(
          'seParticles',
          `must be 0 (no estimate) or use at least 2 ${group === 2 ? 'antithetic pairs (4 particles)' : 'particles'} ` +
            `to estimate the Monte-Carlo error; got seParticles = ${config.seParticles} with M = ${config.M}`,
        );
      }
    }
  },
  async targets(config, { seed, readout, pieces, backend: loadBackend }) {
    const { d, T } = config;
    const backend = await loadBackend(config.backend);
    const t = makeClassTeacher(config, d, seed);
    // Operations per sequence (readout all: one pass per prefix).
    const prefixes = readout === 'all' ? (T + 1) / 2 : 1;
    const raw = await pieces(config.M * T * (1 + d) * prefixes, (part) => teacherValues(t, part, backend, readout));
    let stdErr: { raw: Float64Array; particles: number } | undefined;
    if (config.seParticles > 0) {
      const se = Math.min(config.seParticles, config.M);
      stdErr = {
        raw: await pieces(se * T * (1 + d) * prefixes, (part) =>
          teacherStdErr(t, part, backend, readout, config.seParticles),
        ),
        particles: se,
      };
    }
    const teacher = {
      kind: 'transport-map teacher (docs/spec/model.md section 9)',
      map: {
        kind: t.map.kind,
        nuW: t.map.nuW,
        nuU: t.map.nuU,
        kappa: t.map.kappa,
        beta: Array.from(t.map.beta),
        gamma: Array.from(t.map.gamma),
        memoryFn: t.map.memoryFn,
      },
      M: config.M,
      antithetic: config.antithetic,
      activation: config.activation,
      alpha: config.alpha,
      wInit: config.wInit,
      particleStream: 'data/teacher-particles',
      backend: backend.description,
    };
    return { raw, teacher, map: t.map, ...(stdErr ? { stdErr } : {}) };
  },
});
