// A throwaway copy of the repository's sources (ts/ without the generated wasm, scripts/, README.md),
// for tests that run a `make lint` script on a tree with a planted fault.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './fs.js';
import { ROOT } from './paths.js';

export function treeCopy(): { dir: string; remove: () => void } {
  const dir = tempDir('tree');
  cpSync(join(ROOT, 'ts'), join(dir, 'ts'), { recursive: true, filter: (p) => !p.includes('wasm-pkg') });
  cpSync(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
  cpSync(join(ROOT, 'README.md'), join(dir, 'README.md'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `node scripts/<script> ...args` in `dir`: exit status and all output. */
export function runScript(dir: string, script: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [`scripts/${script}`, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}
