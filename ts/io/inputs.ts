/**
 * An output never overwrites one of the command's inputs (Node only). A command names its input
 * files (declareInputs, or withInputs for a scope); every write of ./fs.ts then refuses a target
 * that is one of them: the same file by device and inode, so a symlink or a hard link to an input
 * is caught as well as the same path. The refusal is a UsageError (exit 2) naming both options.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';

/** An option of a command that names a file (or a directory of files) it reads. */
export interface NamedInput {
  /** How the user gave it: '--model', 'DIR', ... */
  option: string;
  path: string | undefined;
}

interface InputFile {
  option: string;
  path: string;
  id: string;
}

const scope = new AsyncLocalStorage<InputFile[]>();

/** A regular file's identity (device and inode, through symlinks); null for anything else. */
function fileId(path: string): string | null {
  try {
    const st = statSync(path);
    return st.isFile() ? `${st.dev}:${st.ino}` : null;
  } catch {
    return null;
  }
}

/** The files a data directory is read from (io/data-file.ts readData). */
const DATA_DIR_FILES = ['data.json', 'X.npy', 'Y.npy'];

/** The files an input path stands for: itself; a data directory's files; X.npy with its Y.npy. */
function filesOf(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [];
  }
  if (st.isDirectory()) return DATA_DIR_FILES.map((name) => join(path, name));
  const name = basename(path);
  return /X\.npy$/.test(name) ? [path, join(dirname(path), name.replace(/X\.npy$/, 'Y.npy'))] : [path];
}

function resolveInputs(inputs: readonly NamedInput[]): InputFile[] {
  const out = [...(scope.getStore() ?? [])];
  for (const { option, path } of inputs) {
    if (!path) continue;
    for (const file of filesOf(path)) {
      const id = fileId(file);
      if (id) out.push({ option, path: file, id });
    }
  }
  return out;
}

/**
 * Declares the inputs of the running command for the rest of its execution (a CLI action), and
 * refuses at once each of `outputs` that is one of them (before any work is done for it).
 */
export function declareInputs(inputs: readonly NamedInput[], outputs: readonly NamedInput[] = []): void {
  scope.enterWith(resolveInputs(inputs));
  for (const o of outputs) if (o.path) refuseInputAsOutput(o.path, o.option);
}

/** Runs `fn` with `inputs` added to the declared inputs. */
export function withInputs<T>(inputs: readonly NamedInput[], fn: () => T): T {
  return scope.run(resolveInputs(inputs), fn);
}

/**
 * Refuses to write `path` when it is one of the declared inputs (same device and inode). `option`
 * names the output ('--out') when known. Called by every write of ./fs.ts, and by commands before
 * long work so nothing is computed for an output that will be refused.
 */
export function refuseInputAsOutput(path: string, option?: string): void {
  const inputs = scope.getStore();
  if (!inputs?.length) return;
  const id = fileId(path);
  const hit = id && inputs.find((i) => i.id === id);
  if (!hit) return;
  const link = hit.path === path ? '' : ' (the same file, through a link or another name)';
  throw new UsageError(
    `${option ? `option ${option}: ` : ''}cannot write ${path}: it is the input ${hit.option} ${hit.path}${link}; ` +
      `writing it would destroy the input: choose another output path`,
  );
}
