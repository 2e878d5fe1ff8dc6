/**
 * Backend selection: 'native' (the Rust core as a Node addon), 'wasm' (the same core in SIMD128
 * WebAssembly), 'ts' (the TypeScript reference, float64 by default) and 'auto', the default: in
 * Node native when its addon loads, else wasm; in browsers wasm.
 */
import { ValidationError } from '../core/errors.js';
import { BACKEND_NAMES, type BackendName, type ConcreteBackendName } from '../core/types.js';
import { tsBackend, type Dtype } from './ts-backend.js';
import { type Backend } from './types.js';
import { isNode } from '../core/runtime.js';

export { BACKEND_NAMES } from '../core/types.js';
export type { BackendName } from '../core/types.js';
export type { Backend, Network, Workspace, TrainSteps, ParamName } from './types.js';
export { tsBackend } from './ts-backend.js';

export interface BackendOptions {
  /** ts backend storage precision (default float64). */
  dtype?: Dtype;
}

/** Environment variable that 'auto' obeys (e.g. RNN_GD_BACKEND=wasm), read before the addon is loaded. */
const BACKEND_ENV = 'RNN_GD_BACKEND';

/** Checks a backend name from a config, flag or caller (undefined: the default, 'auto'); `where` starts the message. */
export function parseBackendName(value: unknown, where = 'backend'): BackendName {
  if (value === undefined) return 'auto';
  if (typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  const got = typeof value === 'string' ? `'${value}'` : String(JSON.stringify(value) ?? value);
  throw new ValidationError(
    `${where}: unknown backend ${got}; choose ${BACKEND_NAMES.map((b) => `'${b}'`).join(', ')}`,
  );
}

/** Errors of a native addon that cannot be loaded here (missing, wrong platform, dlopen refused): 'auto' uses wasm. */
const LOAD_FAILURES = ['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND', 'ERR_DLOPEN_FAILED', 'ERR_DLOPEN_DISABLED'];
let fallbackSaid = false;

/** The native backend, imported by a computed specifier so that browser bundles never contain it. */
async function nativeBackend(): Promise<Backend> {
  if (!isNode)
    throw new ValidationError("backend 'native': the native addon runs only in Node; use 'wasm' (or 'auto')");
  const specifier = ['.', 'native-backend.js'].join('/');
  const mod = (await import(/* @vite-ignore */ specifier)) as typeof import('./native-backend.js');
  return mod.nativeBackend();
}

/** 'auto': RNN_GD_BACKEND when set, else native in Node when its addon loads (one stderr line when not), else wasm. */
async function autoBackend(options: BackendOptions): Promise<Backend> {
  const forced = isNode ? process.env[BACKEND_ENV] : undefined;
  if (forced !== undefined && forced !== '' && forced !== 'auto')
    return getBackend(parseBackendName(forced, `environment variable ${BACKEND_ENV}`), options);
  if (isNode) {
    try {
      return await nativeBackend();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !LOAD_FAILURES.includes(code)) throw err;
      if (!fallbackSaid) {
        fallbackSaid = true;
        const reason = String((err as Error).message).split('\n')[0];
        process.stderr.write(
          `rnn-gd: native backend unavailable (${code}: ${reason}); using wasm (set ${BACKEND_ENV}=wasm to choose it explicitly)\n`,
        );
      }
    }
  }
  const { wasmBackend } = await import('./wasm-backend.js');
  return wasmBackend();
}

/**
 * The backend of that name: 'auto' (the default) as above; 'native' loads the addon (and throws
 * if it cannot); 'wasm' loads (once) the wasm build the engine supports; 'ts' is synchronous underneath.
 */
export async function getBackend(name: BackendName = 'auto', options: BackendOptions = {}): Promise<Backend> {
  switch (parseBackendName(name)) {
    case 'auto':
      return autoBackend(options);
    case 'native':
      return nativeBackend();
    case 'ts':
      return tsBackend(options);
    case 'wasm': {
      const { wasmBackend } = await import('./wasm-backend.js');
      return wasmBackend();
    }
  }
}

/** The backend a name stands for here ('auto' resolved by loading it): what a run records and hands its workers. */
export async function resolveBackendName(name: BackendName = 'auto'): Promise<ConcreteBackendName> {
  return name === 'auto' ? (await getBackend('auto')).name : name;
}
