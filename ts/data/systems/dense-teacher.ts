/** The linearized wide dense teacher <grad f(X; Theta_T(0)), V> (../dense-teacher.ts). */
import { z } from 'zod';
import { checkTeacherSize, commonFields, defineSystem, MAX_GENERATED_VALUES } from '../system.js';
import { denseTeacherOptionsSchema, denseTeacherValues, makeDenseTeacher } from '../dense-teacher.js';
import { paramCount } from '../../core/types.js';

export const denseTeacher = defineSystem({
  schema: z
    .object({
      system: z.literal('dense-teacher'),
      ...commonFields({ normalize: 'scale' }),
      ...denseTeacherOptionsSchema.shape,
    })
    .strict(),
  check(config, bad) {
    const spec = { recurrence: 'dense', m: config.mTeacher, d: config.d } as const;
    if (config.anchors * config.T * config.d > MAX_GENERATED_VALUES) {
      throw bad(
        'anchors',
        `${config.anchors} anchor sequences of ${config.T}*${config.d} values exceed the limit of 2^27 values; use fewer anchors`,
      );
    }
    checkTeacherSize(spec, (config.n + config.nTest + config.anchors) * config.T, bad);
  },
  async targets(config, { seed, readout, pieces }) {
    const { d, T } = config;
    const t = makeDenseTeacher(config, d, T, config.inputs, seed);
    const spec = { recurrence: 'dense', m: config.mTeacher, d } as const;
    const raw = await pieces(paramCount(spec) * T * 2, (part) => denseTeacherValues(t, part, readout));
    const teacher = {
      kind: 'linearized wide dense teacher <grad f(X; Theta_T(0)), V>',
      mTeacher: config.mTeacher,
      nu: config.nu,
      anchors: config.anchors,
      alpha: config.alpha,
      activation: config.activation,
      init: config.init,
      initSeed: `${seed}/dense-teacher`,
      anchorStream: 'data/dense-teacher-anchors',
      maxNormRadius: t.maxNormRadius,
    };
    return { raw, teacher, teacherModel: t.params };
  },
});
