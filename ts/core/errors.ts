/**
 * The package's one error taxonomy.
 *
 * UserError is the family of everything the user or the machine's environment has to fix: a bad
 * config, file, option or output target, a busy directory, a full disk, a read-only file system. Its
 * message names the file, field or option and says what is wrong; the CLI prints it as it is and
 * exits 2. Anything outside the family is an internal error (a bug): the CLI says so and exits 70.
 * Every error class of the package is defined here (the domain ones too: capacity, bounds, wasm,
 * workers), so `instanceof` checks and the exit-code mapping have one place to look.
 */

/** Base of every error the user (or the environment) has to fix. */
export class UserError extends Error {
  override name = 'UserError';
}

/** An invalid config, file or argument; the message names the field and what is wrong. */
export class ValidationError extends UserError {
  override name = 'ValidationError';
}

/** A command line that cannot run as given (conflicting or malformed options). */
export class UsageError extends UserError {
  override name = 'UsageError';
}

/** A sweep or run directory that cannot be opened, resumed or merged as asked. */
export class CheckpointError extends UserError {
  override name = 'CheckpointError';
}

/** An output directory another live process is writing. */
export class BusyError extends UserError {
  override name = 'BusyError';
}

/** A file-system operation the environment refused (disk full, read-only, permissions, ...). */
export class FileSystemError extends UserError {
  override name = 'FileSystemError';
  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Refused because the memory needed exceeds the cap (or wasm's limit): backend/capacity.ts. */
export class CapacityError extends ValidationError {
  override name = 'CapacityError';
  constructor(
    message: string,
    readonly bytesNeeded: number,
    readonly cap: number,
  ) {
    super(message);
  }
}

/** An invalid input of the bound calculator (theory/bounds.ts); `field` is the BoundsInput key, so callers (the CLI) can name their own option. */
export class BoundsInputError extends ValidationError {
  override name = 'BoundsInputError';
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`invalid ${field}: ${detail}`);
  }
}

/** A computed quantity left the float64 range: the inputs are valid but too extreme to evaluate. */
export class BoundsRangeError extends ValidationError {
  override name = 'BoundsRangeError';
}

// Outside the user family (the CLI calls them internal errors, exit 70).

/** Raised when a freed network or workspace is used again (free() itself may be called any number of times). */
export class UseAfterFreeError extends Error {
  override name = 'UseAfterFreeError';
}

/** The wasm core trapped (e.g. `RuntimeError: unreachable`): a bug, since inputs are validated before every call. */
export class WasmCrashError extends Error {
  override name = 'WasmCrashError';
}

/** The worker died while running a point (not a regular exception of the point). */
export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
}

/**
 * Work stopped by an interrupt (Ctrl-C, SIGTERM, an aborted AbortSignal) before it produced anything
 * to keep. Not a failure: the CLI exits 130 (SIGINT) or 143 (SIGTERM) with the message.
 */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  /** The signal's name when the abort reason was one ('SIGINT', 'SIGTERM'). */
  readonly signalName?: string;
  constructor(message: string, reason?: unknown) {
    super(message);
    if (reason === 'SIGINT' || reason === 'SIGTERM') this.signalName = reason;
  }
}

/** Throws an InterruptedError saying what was stopped when `signal` is aborted. */
export function throwIfInterrupted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new InterruptedError(`interrupted while ${what}`, signal.reason);
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'it is a directory',
  EEXIST: 'it already exists',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  ENXIO: 'no such device or address (a FIFO without a reader?)',
  EBUSY: 'the device or resource is busy',
  ETXTBSY: 'the file is busy',
  EXDEV: 'the paths are on different file systems',
  EFBIG: 'the file is too large',
  EINVAL: 'the operation is not supported on this file',
};

/** The errno code of a Node system error, if it is one ('ENOSPC', ...). */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** True for system errors the environment causes (a full disk, permissions, ...), not bugs. */
export function isEnvironmentError(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && code in ERRNO_TEXT;
}

/**
 * Turns a Node file-system error into a FileSystemError that names the path and the action:
 * "cannot write runs/a/model.json: no space left on the device (ENOSPC)", or with `what`
 * "model file m.json: cannot read: no such file or directory (ENOENT)". UserErrors pass through.
 */
export function fileSystemError(err: unknown, action: string, path: string, what?: string): UserError {
  if (err instanceof UserError) return err;
  const text = systemErrorText(err);
  const message = what ? `${what} ${path}: cannot ${action}: ${text}` : `cannot ${action} ${path}: ${text}`;
  return new FileSystemError(message, path, errnoCode(err));
}

/** 'no space left on the device (ENOSPC)', or the error's own message. */
function systemErrorText(err: unknown): string {
  const code = errnoCode(err);
  return code && ERRNO_TEXT[code] ? `${ERRNO_TEXT[code]} (${code})` : ((err as Error)?.message ?? String(err));
}
