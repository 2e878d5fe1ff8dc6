/**
 * Memory capacity: how many bytes the Rust core allocates for a shape, and the check that refuses
 * an allocation BEFORE it happens when it would not fit. The wasm backend asks the loaded module
 * (the core's own sizes, crates/rnn-core/src/sizes.rs, through ./wasm-sizes.ts). The formulas here
 * serve the checks made where no module is loaded (the trainer's checks before it builds anything,
 * rowsForBudget, the exported workspaceBytes & co., which are synchronous);
 * test/backend/wasm-sizes.test.ts pins them to the core's.
 *
 * wasm32 memory is at most 4 GiB, never shrinks, and running out of it inside Rust aborts the
 * module (`RuntimeError: unreachable`) and leaves it unusable. So every wasm object is sized here
 * first: above the cap (default 2 GiB; `setMemoryCap()` or the environment variable
 * RNN_GD_MEMORY_CAP, e.g. "3GiB", up to the 4 GiB limit) it is refused with a CapacityError giving
 * the bytes needed and what to change.
 */
import { paramCount, targetsPerSequence, type ModelSpec } from '../core/types.js';
import { CapacityError, ValidationError } from '../core/errors.js';

export const GiB = 2 ** 30;
export const MiB = 2 ** 20;
/** wasm32's hard limit: 65536 pages of 64 KiB. */
export const WASM_MEMORY_LIMIT = 4 * GiB;
/** Default cap on the wasm memory one object (model, workspace, features, teacher) may take. */
export const DEFAULT_MEMORY_CAP = 2 * GiB;
/** Headroom kept below the 4 GiB limit for everything else living in wasm memory. */
const HEADROOM = 64 * MiB;
/** What all live wasm objects together may hold (trackAllocation's limit). */
export const WASM_USABLE_BYTES = WASM_MEMORY_LIMIT - HEADROOM;
/** The Rust core refuses buffers above 2^29 elements (workspace.rs MAX_ELEMS). */
const MAX_ELEMS = 2 ** 29;
/** The wasm API takes sizes as u32. */
const U32_MAX = 2 ** 32 - 1;

/** "1.50 GiB", "320.0 MiB", "12.0 KiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Parses "2GiB", "512 MiB", "3e9", "1.5GB" (GB = 10^9, GiB = 2^30) into bytes. */
export function parseBytes(text: string, where = 'memory cap'): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([kmgt]i?b?|b)?\s*$/i.exec(text);
  if (!m) throw new ValidationError(`${where}: cannot read '${text}' as a size (examples: 2GiB, 512MiB, 3e9)`);
  const unit = (m[2] ?? 'b').toLowerCase().replace(/b$/, '');
  const base = unit.endsWith('i') ? 1024 : 1000;
  const power = { '': 0, k: 1, m: 2, g: 3, t: 4 }[unit.replace('i', '')] ?? 0;
  const bytes = Number(m[1]) * base ** power;
  if (!Number.isFinite(bytes) || bytes <= 0) throw new ValidationError(`${where}: '${text}' is not a positive size`);
  return Math.floor(bytes);
}

let cap: number | null = null;

function envCap(): number {
  const raw = typeof process !== 'undefined' ? process.env?.RNN_GD_MEMORY_CAP : undefined;
  if (raw === undefined || raw === '') return DEFAULT_MEMORY_CAP;
  return Math.min(parseBytes(raw, 'environment variable RNN_GD_MEMORY_CAP'), WASM_MEMORY_LIMIT - HEADROOM);
}

/** The cap in bytes (setMemoryCap, else RNN_GD_MEMORY_CAP, else 2 GiB). */
export function getMemoryCap(): number {
  return cap ?? envCap();
}

/** Sets the cap (bytes, or a size text like "3GiB"); null restores the default. At most 4 GiB minus 64 MiB headroom. */
export function setMemoryCap(bytes: number | string | null): void {
  if (bytes === null) {
    cap = null;
    return;
  }
  const b = typeof bytes === 'string' ? parseBytes(bytes) : bytes;
  if (!Number.isFinite(b) || b <= 0)
    throw new ValidationError(`memory cap: must be a positive number of bytes, got ${bytes}`);
  cap = Math.min(Math.floor(b), WASM_MEMORY_LIMIT - HEADROOM);
}

const F32 = 4,
  F64 = 8,
  U32 = 4;

/** What a workspace's `reserve` adds: `steps` per-step outputs and `indices` batch indices. */
export interface Reserve {
  steps?: number;
  indices?: number;
}

export type MemoryKind = 'wasm' | 'native' | 'JavaScript';

/** Bytes of each of the core's objects for a shape (sizes.rs). */
export interface CoreSizes {
  /** Where the core allocates them (default wasm), for the messages and wasm's 4 GiB limit. */
  readonly memory?: MemoryKind;
  model(spec: ModelSpec): number;
  workspace(spec: ModelSpec, nMax: number, T: number, reserve?: Reserve): number;
  linearization(spec: ModelSpec, nMax: number, T: number, reserve?: Reserve): number;
  features(spec: ModelSpec, nMax: number, T: number): number;
  teacher(d: number, count: number, nMax: number, T: number): number;
}

/** Bytes of a Model: w, w0, grad_w, u, u0, grad_u and c (f32). */
export function modelBytes(spec: ModelSpec): number {
  return F32 * (3 * paramCount(spec) + spec.m);
}

/**
 * Bytes of a Workspace for up to nMax sequences of length T (workspace.rs Workspace::new):
 * x, xt (n T d), y, pred, yt, r (f32) and f (f64) of n or n T, h, dz (n T m), dh (n m), the
 * parameter backups; plus what `reserve` adds: `steps` losses and gradient norms (f64) and `indices` batch indices (u32).
 */
export function workspaceBytes(spec: ModelSpec, nMax: number, T: number, reserve: Reserve = {}): number {
  const { m, d } = spec;
  const per = targetsPerSequence(spec.readout, T);
  const x = nMax * T * d,
    y = nMax * per,
    h = nMax * T * m;
  const steps = reserve.steps ?? 0,
    indices = reserve.indices ?? 0;
  return F32 * (2 * x + 4 * y + 2 * h + nMax * m + paramCount(spec)) + F64 * y + 2 * F64 * steps + U32 * indices;
}

/**
 * Bytes of a Linearization (linearize.rs Linearization::new): a workspace, a copy of the model at
 * Theta0, sigma'(z) and tangent states at Theta0 (n T m each), f(Theta0) (f64) and V (P).
 */
export function linearizationBytes(spec: ModelSpec, nMax: number, T: number, reserve: Reserve = {}): number {
  const y = nMax * targetsPerSequence(spec.readout, T);
  return (
    workspaceBytes(spec, nMax, T, reserve) +
    modelBytes(spec) +
    F32 * (2 * nMax * T * spec.m + paramCount(spec)) +
    F64 * y
  );
}

/** Bytes of a Features object (ntk.rs Features::new): diagonal x, tangent features, scratch; jacobian, Gram; dense: a workspace. */
export function featuresBytes(spec: ModelSpec, nMax: number, T: number): number {
  const { m, d } = spec;
  const P = paramCount(spec);
  const common = F32 * (nMax * P + nMax * nMax);
  if (spec.recurrence === 'dense') return common + workspaceBytes(spec, nMax, T);
  return common + F32 * (nMax * T * d + nMax * m * (1 + d) + (4 + 2 * d) * Math.ceil(m / 4) * 4);
}

/** Bytes of a Teacher (tangent.rs Teacher::new + TeacherWorkspace::new): particles w, u, v, packed groups of 8; inputs, outputs. */
export function teacherBytes(d: number, count: number, nMax: number, T: number): number {
  return F32 * (count + count * d + count * (1 + d) + Math.ceil(count / 8) * 8 * (2 + 2 * d) + nMax * T * d + nMax);
}

/** The formulas above, for checks made where no wasm module is loaded. */
export const formulaSizes: CoreSizes = {
  model: modelBytes,
  workspace: workspaceBytes,
  linearization: linearizationBytes,
  features: featuresBytes,
  teacher: teacherBytes,
};

/** Largest single buffer (elements) of a workspace or features object, for the core's 2^29 limit. */
function largestBuffer(spec: ModelSpec, nMax: number, T: number): number {
  return Math.max(nMax * T * Math.max(spec.m, spec.d), nMax * targetsPerSequence(spec.readout, T));
}

export interface CapacityRequest {
  /** What is being allocated, for the message: "workspace for n = 100000 sequences of length T = 50 (dense, m = 256, d = 4)". */
  what: string;
  bytes: number;
  /** What to change, for the message. */
  suggestion: string;
  /** Sizes passed to wasm as u32 (checked against 2^32 - 1 and the 2^29-element buffer limit). */
  sizes?: Record<string, number>;
  /** Largest buffer in elements. */
  largest?: number;
  /**
   * Which memory: wasm (default; 4 GiB limit), native (the addon's process memory: the cap and the
   * core's buffer limit) or JavaScript (the ts backend's typed arrays: the cap only).
   */
  memory?: MemoryKind;
}

/** Throws a CapacityError unless `req.bytes` fits under the cap (and wasm's 4 GiB limit). */
export function checkCapacity(req: CapacityRequest): void {
  for (const [name, v] of Object.entries(req.sizes ?? {})) {
    if (!Number.isSafeInteger(v) || v < 0 || v > U32_MAX) {
      throw new CapacityError(
        `${req.what}: ${name} = ${v} is out of range (at most ${U32_MAX}); ${req.suggestion}`,
        Infinity,
        getMemoryCap(),
      );
    }
  }
  const limit = getMemoryCap();
  const kind = req.memory ?? 'wasm';
  const wasm = kind === 'wasm';
  const tooBigBuffer = kind !== 'JavaScript' && req.largest !== undefined && req.largest > MAX_ELEMS;
  const what = `${req.what} needs ${formatBytes(req.bytes)} of ${kind} memory`;
  if (req.bytes > limit || !Number.isFinite(req.bytes)) {
    const capText =
      wasm && limit >= WASM_MEMORY_LIMIT - HEADROOM
        ? `wasm's memory limit (4 GiB)`
        : `the memory cap of ${formatBytes(limit)} (raise it with setMemoryCap() or RNN_GD_MEMORY_CAP${wasm ? ", up to wasm's 4 GiB limit" : ''})`;
    throw new CapacityError(`${what}, more than ${capText}. ${req.suggestion}`, req.bytes, limit);
  }
  if (tooBigBuffer) {
    // Within the cap, but one buffer is longer than the core can index: say that, not "more than the cap".
    throw new CapacityError(
      `${what} (within the memory cap of ${formatBytes(limit)}), but one of its buffers would hold ${req.largest} elements, ` +
        `more than the core's limit of 2^29 elements per buffer. ${req.suggestion}`,
      req.bytes,
      limit,
    );
  }
}

// ---- live wasm memory: objects created through the TypeScript wrappers and not yet freed ----

const liveBytes = new WeakMap<object, number>();
const collected =
  typeof FinalizationRegistry !== 'undefined' ? new FinalizationRegistry<() => void>((release) => release()) : null;

/** Bytes held by live wasm objects of one module instance (keyed by its WebAssembly.Memory). */
export const liveWasmBytes = (memory: object): number => liveBytes.get(memory) ?? 0;

/**
 * Counts `bytes` as live in `memory` until the returned release function is called (free()), or
 * until `holder` is garbage-collected. Refuses (CapacityError) when the live objects together
 * would pass wasm's 4 GiB limit: running out inside Rust would abort the module.
 */
export function trackAllocation(memory: object, bytes: number, what: string, holder?: object): () => void {
  const live = liveWasmBytes(memory);
  const limit = WASM_MEMORY_LIMIT - HEADROOM;
  if (live + bytes > limit) {
    throw new CapacityError(
      `${what} needs ${formatBytes(bytes)} of wasm memory, but live wasm objects already hold ${formatBytes(live)}: ` +
        `together more than wasm's 4 GiB limit. Free the networks, workspaces and trainers you no longer need (free() or \`using\`).`,
      bytes,
      limit - live,
    );
  }
  liveBytes.set(memory, live + bytes);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    liveBytes.set(memory, Math.max(0, liveWasmBytes(memory) - bytes));
  };
  if (holder && collected) collected.register(holder, release, release);
  return () => {
    if (holder && collected) collected.unregister(release);
    release();
  };
}

const shapeText = (spec: ModelSpec) =>
  `${spec.recurrence}, m = ${spec.m}, d = ${spec.d}${spec.readout === 'all' ? ', readout all' : ''}`;

export const WORKSPACE_SUGGESTION =
  'Use mini-batches (train option batchSize / --batch: SGD memory depends on the batch size, not on n), ' +
  'a smaller T, or fewer sequences n per workspace.';

/** Refuses a workspace that would not fit, naming the bytes needed (`sizes`: the wasm backend passes the core's). */
export function checkWorkspace(
  spec: ModelSpec,
  nMax: number,
  T: number,
  reserve?: Reserve,
  linearized = false,
  sizes: CoreSizes = formulaSizes,
): void {
  checkCapacity({
    what: `${linearized ? 'linearized-model workspace' : 'workspace'} for n = ${nMax} sequences of length T = ${T} (${shapeText(spec)})`,
    bytes: (linearized ? sizes.linearization : sizes.workspace)(spec, nMax, T, reserve),
    suggestion: WORKSPACE_SUGGESTION,
    memory: sizes.memory,
    sizes: { n: nMax, T },
    largest: largestBuffer(spec, nMax, T),
  });
}

/** Refuses a model whose parameters would not fit. */
export function checkModel(spec: ModelSpec, sizes: CoreSizes = formulaSizes): void {
  checkCapacity({
    what: `model (${shapeText(spec)})`,
    bytes: sizes.model(spec),
    suggestion:
      'Use a smaller width m (the dense recurrence stores m*m weights three times) or the diagonal recurrence.',
    memory: sizes.memory,
    sizes: { m: spec.m, d: spec.d },
  });
}

/** Refuses per-sample gradient / NTK buffers that would not fit. */
export function checkFeatures(
  spec: ModelSpec,
  n: number,
  T: number,
  what: string,
  sizes: CoreSizes = formulaSizes,
): void {
  checkCapacity({
    what: `${what} for n = ${n} sequences of length T = ${T} (${shapeText(spec)})`,
    bytes: sizes.features(spec, n, T),
    suggestion:
      'The Gram matrix needs n^2 and the per-sample gradients n*P floats: use fewer sequences n (a subsample) or a smaller model.',
    memory: sizes.memory,
    sizes: { n, T },
    // Dense features run a workspace (its n*T*m states); diagonal ones hold only x (n*T*d) and tangents (n*m*(1+d)).
    largest: Math.max(
      spec.recurrence === 'dense' ? largestBuffer(spec, n, T) : Math.max(n * T * spec.d, n * spec.m * (1 + spec.d)),
      n * n,
      n * paramCount(spec),
    ),
  });
}

/** Refuses a teacher (particles + inputs) that would not fit. */
export function checkTeacher(d: number, count: number, n: number, T: number, sizes: CoreSizes = formulaSizes): void {
  checkCapacity({
    what: `teacher sum with M = ${count} particles over n = ${n} sequences of length T = ${T} (d = ${d})`,
    bytes: sizes.teacher(d, count, n, T),
    suggestion: 'Use fewer particles M or evaluate the sequences in smaller groups.',
    memory: sizes.memory,
    sizes: { M: count, n, T, d },
    largest: Math.max(n * T * d, count * (1 + d)),
  });
}

const KERNEL_SUGGESTION =
  'A kernel on n points holds n^2 float64 values (and Monte-Carlo work M*(1+d) per particle set): ' +
  'use fewer sequences n (a subsample), fewer particles M, or a smaller model.';

/**
 * Refuses JavaScript float64 arrays that would not fit under the cap (kernel matrices, their
 * eigendecompositions, features, particles), before any is allocated; `values` counts them all.
 */
export function checkFloat64Arrays(what: string, values: number, suggestion = KERNEL_SUGGESTION): void {
  checkCapacity({ what, bytes: 8 * values, suggestion, memory: 'JavaScript' });
}
