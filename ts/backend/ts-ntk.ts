/** Reference (pure TS, float64) per-sample gradients and the empirical NTK Gram matrix — being written. */
import type { Kernels } from './types.js';

export const ntkKernels: Pick<Kernels, 'perSampleGradients' | 'ntkGram'> = {
  perSampleGradients() { throw new Error('perSampleGradients: not implemented yet'); },
  ntkGram() { throw new Error('ntkGram: not implemented yet'); },
};
