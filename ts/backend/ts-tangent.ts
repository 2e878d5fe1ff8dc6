/** Reference (pure TS, float64) diagonal tangent features and teacher sums — being written. */
import type { Kernels } from './types.js';

export const tangentKernels: Pick<Kernels, 'tangentFeatures' | 'teacherSum'> = {
  tangentFeatures() { throw new Error('tangentFeatures: not implemented yet'); },
  teacherSum() { throw new Error('teacherSum: not implemented yet'); },
};
