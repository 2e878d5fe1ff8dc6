/**
 * The native backend (Node only): the Rust core as a napi-rs addon (crates/rnn-node), driven by
 * core-backend.ts exactly like the wasm build. Same numerics, wider vectors (AVX-512 or AVX2 GEMM
 * kernels chosen at run time, fused multiply-add within the stated tolerance of wasm, or exact and
 * bit-identical with RNN_GD_NATIVE_EXACT=1), no 4 GiB memory limit.
 *
 * The addon comes from the platform package `rnn-gd-<platform>` (an optional dependency, as
 * lightningcss and @swc/core ship theirs), or from `npm/<platform>/` of a source checkout after
 * `make build`. Browsers never import this file (ts/backend/index.ts imports it by a computed
 * specifier, only in Node).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { coreBackend, type CoreMemory, type CorePkg } from './core-backend.js';
import type { Backend } from './types.js';

/** The addon's typed-array doors (crates/rnn-node/src/lib.rs): `id` is what a `*_ptr()` returned. */
interface NativeBuffers {
  read_f32(id: number, dst: Float32Array): void;
  read_f64(id: number, dst: Float64Array): void;
  write_f32(id: number, src: Float32Array): void;
  write_f64(id: number, src: Float64Array): void;
  write_u32(id: number, src: Uint32Array): void;
}
type NativePkg = CorePkg & { kernel_name(): string };

/** `linux-x64-gnu`, `linux-arm64-musl`, `darwin-arm64`, `win32-x64-msvc`: the platform package's suffix. */
export function nativeTarget(): string {
  const { platform, arch } = process;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  if (platform !== 'linux') return `${platform}-${arch}`;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return `linux-${arch}-${header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
}

/** The platform package's name (and the addon's file name inside it). */
const nativePackageName = (target = nativeTarget()): string => `rnn-gd-${target}`;

let loaded: NativePkg | null = null;

/** Environment variable naming an addon file to load instead of the platform package (a custom build). */
const ADDON_ENV = 'RNN_GD_NATIVE_ADDON';

/** Requires the addon once per thread (each worker_thread loads its own instance). */
function loadAddon(): NativePkg {
  if (loaded) return loaded;
  const target = nativeTarget();
  const require = createRequire(import.meta.url);
  const override = process.env[ADDON_ENV];
  if (override) return (loaded = require(override) as NativePkg);
  // A source checkout: npm/<target>/ beside dist/ and ts/ (make build puts the addon there).
  const local = fileURLToPath(new URL(`../../npm/${target}/rnn-gd.${target}.node`, import.meta.url));
  if (existsSync(local)) {
    loaded = require(local) as NativePkg;
  } else {
    try {
      loaded = require(nativePackageName(target)) as NativePkg;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'MODULE_NOT_FOUND') throw err;
      throw Object.assign(
        new Error(
          `no native addon for ${target}: the optional dependency ${nativePackageName(target)} is not installed ` +
            `(npm skips it with --omit=optional or on another platform); in a source checkout run make build`,
          { cause: err },
        ),
        { code },
      );
    }
  }
  return loaded;
}

/** Copies through typed arrays the addon borrows for the call (Rust memory is never viewed from JavaScript). */
const nativeMemory: CoreMemory = {
  f32(raw, ptr, len) {
    const out = new Float32Array(len);
    (raw as NativeBuffers).read_f32(ptr, out);
    return out;
  },
  f64(raw, ptr, len) {
    const out = new Float64Array(len);
    (raw as NativeBuffers).read_f64(ptr, out);
    return out;
  },
  setF32(raw, ptr, values) {
    const r = raw as NativeBuffers;
    if (values instanceof Float32Array) r.write_f32(ptr, values);
    // Rust's `as f32` rounds to nearest, ties to even: what Float32Array's set does.
    else r.write_f64(ptr, values instanceof Float64Array ? values : Float64Array.from(values));
  },
  setU32: (raw, ptr, values) => (raw as NativeBuffers).write_u32(ptr, values),
};

/**
 * The native backend; throws (with the loader's `code`: MODULE_NOT_FOUND, ERR_DLOPEN_FAILED, ...)
 * when the addon cannot be loaded. getBackend('auto') falls back to wasm on those.
 */
export async function nativeBackend(): Promise<Backend> {
  const pkg = loadAddon();
  return coreBackend({
    name: 'native',
    label: 'native',
    description: `native ${pkg.kernel_name()} f32`,
    pkg,
    memory: nativeMemory,
    // Process memory: no wasm-style 4 GiB limit to account for (each object still meets the cap).
    track: () => () => {},
  });
}
