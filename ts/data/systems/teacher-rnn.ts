/** A random teacher RNN of either recurrence (../classic.ts). */
import { z } from 'zod';
import { checkTeacherSize, commonFields, defineSystem } from '../system.js';
import { makeTeacherRnn, rnnOutputs, teacherRnnOptionsSchema } from '../classic.js';
import { paramCount } from '../../core/types.js';

export const teacherRnn = defineSystem({
  schema: z.object({ system: z.literal('teacher-rnn'), ...commonFields(), ...teacherRnnOptionsSchema.shape }).strict(),
  check(config, bad) {
    const spec = { recurrence: config.recurrence, m: config.mTeacher, d: config.d };
    checkTeacherSize(spec, (config.n + config.nTest) * config.T, bad);
  },
  async targets(config, { seed, readout, pieces }) {
    const model = makeTeacherRnn(config, config.d, seed, readout);
    const raw = await pieces(paramCount(model.spec) * config.T, (part) => rnnOutputs(model, part, readout));
    const teacher = {
      kind: 'random teacher RNN',
      recurrence: config.recurrence,
      activation: config.activation,
      alpha: config.alpha,
      mTeacher: config.mTeacher,
      wInit: config.wInit,
      initSeed: `${seed}/teacher-rnn`,
      secondHalfStream: 'data/teacher-rnn',
    };
    return { raw, teacher, teacherModel: model };
  },
});
