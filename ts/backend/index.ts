/** Backend selection: 'wasm' (Rust SIMD128, float32, the fast one) or 'ts' (reference, float64 by default). */
import { tsBackend, type Dtype } from './ts-backend.js';
import type { Backend, BackendName } from './types.js';
import { ValidationError } from '../validate.js';

export type { Backend, BackendName, Network, Workspace, TrainChunk, ParamName } from './types.js';
export { tsBackend } from './ts-backend.js';

export interface BackendOptions {
  /** ts backend storage precision (default float64). */
  dtype?: Dtype;
}

export async function getBackend(name: BackendName | string = 'wasm', options: BackendOptions = {}): Promise<Backend> {
  switch (name) {
    case 'ts':
      return tsBackend(options);
    case 'wasm': {
      const { wasmBackend } = await import('./wasm-backend.js');
      return wasmBackend();
    }
    default:
      throw new ValidationError(`backend: unknown backend '${name}'; choose 'wasm' or 'ts'`);
  }
}
