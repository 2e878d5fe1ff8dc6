/**
 * vitest globalSetup of both configs: the suites test the built package (dist/, the three wasm
 * builds, the native addon, the CLI) and drive Debian's chromium, so a missing artifact fails the whole run at once
 * with what to run, instead of letting the tests that need it skip. `make test` builds everything
 * first; running a file by hand needs `make build` (and `make web-build` for test/browser).
 */
import { existsSync } from 'node:fs';
import { nativeTarget } from '../ts/backend/native-backend.js';

const CHROMIUM = process.env.RNN_GD_CHROMIUM ?? '/usr/bin/chromium';

/** Artifact -> how to make it. */
const COMMON: Array<[string, string]> = [
  ['dist/entries/index.js', 'make build'],
  ['dist/cli/main.js', 'make build'],
  ['dist/cli/commands/step.js', 'make build'],
  ['dist/parallel/worker.js', 'make build'],
  ['dist/bundle/index.js', 'make build'],
  ['dist/wasm-pkg/simd/rnn_wasm_bg.wasm', 'make build'],
  ['dist/wasm-pkg/simd/rnn_wasm_inline.js', 'make build'],
  ['dist/wasm-pkg/relaxed/rnn_wasm_bg.wasm', 'make build'],
  ['ts/wasm-pkg/simd/rnn_wasm.js', 'make build'],
  ['ts/wasm-pkg/scalar/rnn_wasm.js', 'make build'],
  ['ts/wasm-pkg/relaxed/rnn_wasm.js', 'make build'],
  // The native backend is in the parity suites: its addon for this machine (npm/<target>/).
  [`npm/${nativeTarget()}/rnn-gd.${nativeTarget()}.node`, 'make build (or make native)'],
  [CHROMIUM, 'bash scripts/setup-browser.sh (Debian chromium; or set RNN_GD_CHROMIUM)'],
];

export function missingPrerequisites(extra: Array<[string, string]> = []): string[] {
  return [...COMMON, ...extra].filter(([path]) => !existsSync(path)).map(([path, how]) => `${path} (${how})`);
}

export function check(extra: Array<[string, string]> = []): void {
  const missing = missingPrerequisites(extra);
  if (missing.length > 0) throw new Error(`the test suites need these, which are missing:\n  ${missing.join('\n  ')}`);
  if (process.getuid?.() !== 0)
    console.warn('not root: the device-node tests of test/hardening/fs.test.ts are skipped (mknod needs root)');
}

export default function setup(): void {
  check();
}
