/**
 * Compile-time checks of DataConfigInput (type-checked by `make lint`: tsconfig.test.json includes test/): every
 * `@ts-expect-error` line must be an error, so a config type that lets it through fails the check.
 */
import { generateData, type DataConfigInput, type DataConfigInputOf } from '../../ts/data/generate.js';

export const good: DataConfigInput[] = [
  { system: 'transport', n: 8, M: 64, map: 'memory', backend: 'ts' },
  { system: 'dense-teacher', mTeacher: 8, anchors: 4 },
  { system: 'linear-filter', r: 0.5, beta: [1, 0] },
  { system: 'delay', k: 2 },
  { system: 'narma10', coordinate: 0 },
  { system: 'teacher-rnn', recurrence: 'dense', mTeacher: 8 },
];

export const transportOnly: DataConfigInputOf<'transport'> = { system: 'transport', kappa: 2 };

export async function misspelled(): Promise<void> {
  // @ts-expect-error a misspelled system name
  await generateData({ system: 'transprot', n: 8 });
  // @ts-expect-error an option of another system (M belongs to transport)
  await generateData({ system: 'delay', M: 64 });
  // @ts-expect-error a wrong option type
  await generateData({ system: 'transport', map: 'quadratic' });
  // @ts-expect-error the system is required
  await generateData({ n: 8 });
}
