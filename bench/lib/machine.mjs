/** What this engine's WebAssembly supports (feature probes as in wasm-feature-detect). */
/** @param {number[]} bytes a wasm module */
const probe = (bytes) => {
  try {
    return WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
};

export function wasmFeatures() {
  return {
    // (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)
    simd128: probe([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
    ]),
    // (func (result v128) i32.const 0 i8x16.splat i32.const 0 i8x16.splat i8x16.relaxed_swizzle)
    relaxedSimd: probe([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15,
      253, 128, 2, 11,
    ]),
    // (memory 1 1 shared) (func i32.const 0 atomic.notify ...)
    threads:
      typeof SharedArrayBuffer !== 'undefined' &&
      probe([
        0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16,
        2, 0, 26, 11,
      ]),
  };
}
