/** Errors of the wasm wrappers: use after free, and a trap inside the core (which validation should make impossible). */

/** Raised when a freed network or workspace is used again (free() itself may be called any number of times). */
export class UseAfterFreeError extends Error {
  override name = 'UseAfterFreeError';
}

/** The wasm core trapped (e.g. `RuntimeError: unreachable`): a bug, since inputs are validated before every call. */
export class WasmCrashError extends Error {
  override name = 'WasmCrashError';
}

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
