/** Backend selection: 'wasm' (Rust SIMD128, float32, the fast one) or 'ts' (reference, float64 by default). */
import { tsBackend, type Dtype } from './ts-backend.js';
import { BACKEND_NAMES, type Backend, type BackendName } from './types.js';
import { ValidationError } from '../validate.js';

export { BACKEND_NAMES } from './types.js';
export type { Backend, BackendName, Network, Workspace, TrainSteps, ParamName } from './types.js';
export { tsBackend } from './ts-backend.js';

export interface BackendOptions {
  /** ts backend storage precision (default float64). */
  dtype?: Dtype;
}

/** Checks a backend name from a config, flag or caller (undefined: the default, 'wasm'); `where` starts the message. */
export function parseBackendName(value: unknown, where = 'backend'): BackendName {
  if (value === undefined) return 'wasm';
  if (typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  const got = typeof value === 'string' ? `'${value}'` : String(JSON.stringify(value) ?? value);
  throw new ValidationError(
    `${where}: unknown backend ${got}; choose ${BACKEND_NAMES.map((b) => `'${b}'`).join(' or ')}`,
  );
}

/** The backend of that name: 'wasm' loads (once) the wasm build the engine supports; 'ts' is synchronous underneath. */
export async function getBackend(name: BackendName = 'wasm', options: BackendOptions = {}): Promise<Backend> {
  switch (parseBackendName(name)) {
    case 'ts':
      return tsBackend(options);
    case 'wasm': {
      const { wasmBackend } = await import('./wasm-backend.js');
      return wasmBackend();
    }
  }
}
