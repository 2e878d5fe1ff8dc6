/** Calls into wasm, turning a trap into a WasmCrashError (ts/core/errors.ts). */
import { WasmCrashError } from '../core/errors.js';

/** Calls into wasm; a trap becomes a WasmCrashError that says what was running and that it is a bug. */
export function call<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      throw new WasmCrashError(
        `the wasm core crashed in ${what} (${err.message}). This is a bug: the inputs passed validation. ` +
          `The wasm module may be unusable for the rest of this process; please report it with the shapes involved.`,
      );
    }
    throw err;
  }
}
