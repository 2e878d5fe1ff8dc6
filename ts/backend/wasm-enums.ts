/**
 * The package's names (ModelSpec's 'dense', 'tanh', ...; Projection's kind) as rnn-wasm's boundary
 * enums RawRecurrence, RawActivation, RawReadout and RawProjection. The codes are defined once, in
 * crates/rnn-wasm/src/enums.rs; wasm-bindgen generates the objects read here (from the loaded module's
 * glue) and their TypeScript types. A name maps to the member whose name, lowercased, equals it
 * ('maxnorm' -> MaxNorm), and the types below fail to compile when the two lists differ.
 */
import type { ModelSpec, Projection, SameType } from '../core/types.js';
import { ValidationError } from '../core/errors.js';
import type { RawActivation, RawProjection, RawReadout, RawRecurrence } from '../wasm-pkg/simd/rnn_wasm.js';
import type { WasmPkg } from './wasm-loader.js';

/** A generated enum object: member names to codes, plus the reverse entries ("0": "Dense"). */
type EnumObject = Readonly<Record<string, string | number>>;
/** The lowercased member names of a generated enum. */
type Names<E> = Lowercase<Extract<keyof E, string>>;

// Compile-time: the package's names and the Rust variants are the same lists.
const sameNames: [
  SameType<Names<typeof RawRecurrence>, ModelSpec['recurrence']>,
  SameType<Names<typeof RawActivation>, ModelSpec['activation']>,
  SameType<Names<typeof RawReadout>, ModelSpec['readout']>,
  SameType<Names<typeof RawProjection>, Projection['kind']>,
] = [true, true, true, true];
void sameNames;

/** The code of `name` in a generated enum; a name that is no member is a ValidationError naming `field`. */
function member<E>(enumObject: EnumObject, field: string, name: string): E {
  for (const [key, code] of Object.entries(enumObject)) {
    if (typeof code === 'number' && key.toLowerCase() === name) return code as E;
  }
  const names = Object.keys(enumObject).filter((key) => typeof enumObject[key] === 'number');
  throw new ValidationError(
    `${field} must be one of ${names.map((key) => `'${key.toLowerCase()}'`).join(', ')} (got '${String(name)}')`,
  );
}

/** The boundary enums of a loaded module, by the package's names. */
export interface RawEnums {
  recurrence(name: ModelSpec['recurrence']): RawRecurrence;
  activation(name: ModelSpec['activation']): RawActivation;
  readout(name: ModelSpec['readout']): RawReadout;
  projection(kind: Projection['kind']): RawProjection;
}

/** Reads the enum objects from the loaded module's glue (the three builds' glues declare the same ones). */
export function rawEnums(pkg: WasmPkg): RawEnums {
  return {
    recurrence: (name) => member(pkg.RawRecurrence, 'recurrence', name),
    activation: (name) => member(pkg.RawActivation, 'activation', name),
    readout: (name) => member(pkg.RawReadout, 'readout', name),
    projection: (kind) => member(pkg.RawProjection, 'projection kind', kind),
  };
}
