/**
 * The wasm backend: the Rust core (crates/rnn-wasm) in WebAssembly, driven by core-backend.ts.
 * Parameters and data live in wasm memory; the core's buffers are typed-array views of it (made
 * at every call: memory growth detaches old views), so reads can be zero-copy views on request.
 */
import { coreBackend, type CoreMemory } from './core-backend.js';
import { trackAllocation } from './capacity.js';
import type { Backend } from './types.js';
import { loadWasm, type WasmFlavor } from './wasm-loader.js';

export async function wasmBackend(flavor?: WasmFlavor): Promise<Backend> {
  const wasm = await loadWasm(flavor);
  const buffer = () => wasm.memory.buffer as ArrayBuffer;
  // The wasm `*_ptr()` are byte offsets into the memory: the raw object is not needed.
  const memory: CoreMemory = {
    f32: (_raw, ptr, len) => new Float32Array(buffer(), ptr, len),
    f64: (_raw, ptr, len) => new Float64Array(buffer(), ptr, len),
    setF32: (_raw, ptr, values) => new Float32Array(buffer(), ptr, values.length).set(values),
    setU32: (_raw, ptr, values) => new Uint32Array(buffer(), ptr, values.length).set(values),
  };
  return coreBackend({
    name: 'wasm',
    label: 'wasm',
    description: `wasm ${wasm.flavor === 'simd' ? 'simd128' : wasm.flavor === 'relaxed' ? 'relaxed-simd' : 'scalar'} f32`,
    pkg: wasm.pkg,
    memory,
    track: (bytes, what, holder) => trackAllocation(wasm.memory, bytes, what, holder),
  });
}
