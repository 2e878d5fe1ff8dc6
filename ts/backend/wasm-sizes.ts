/**
 * The core's own byte counts (crates/rnn-core/src/sizes.rs, whose tests pin them to what the
 * constructors allocate), asked from the loaded module: the wasm backend checks and tracks every
 * object it makes with these, so capacity.ts's formulas need not mirror the core for it.
 */
import type { ModelSpec } from '../core/types.js';
import type { CoreSizes, MemoryKind, Reserve } from './capacity.js';
import type { RawEnums } from './wasm-enums.js';
import type { WasmPkg } from './wasm-loader.js';

/** The sizes of a loaded core (the wasm module or the native addon, which export the same functions). */
export function wasmSizes(pkg: WasmPkg, enums: RawEnums, memory: MemoryKind = 'wasm'): CoreSizes {
  const shape = (s: ModelSpec) => [enums.recurrence(s.recurrence), enums.readout(s.readout), s.m, s.d] as const;
  const reserve = (r: Reserve = {}) => pkg.reserve_bytes(r.steps ?? 0, r.indices ?? 0);
  return {
    memory,
    model: (s) => pkg.model_bytes(...shape(s)),
    workspace: (s, nMax, T, r) => pkg.workspace_bytes(...shape(s), nMax, T) + reserve(r),
    linearization: (s, nMax, T, r) => pkg.linearization_bytes(...shape(s), nMax, T) + reserve(r),
    features: (s, nMax, T) => pkg.features_bytes(...shape(s), nMax, T),
    teacher: (d, count, nMax, T) => pkg.teacher_bytes(d, count, nMax, T),
  };
}
