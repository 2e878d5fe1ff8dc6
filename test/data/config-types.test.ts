/**
 * DataConfigInput is a discriminated union on `system`: test/types/data-config.ts must type-check,
 * including its `@ts-expect-error` lines (a wrong system name, another system's option, ...).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

describe('DataConfigInput types', () => {
  it('rejects a misspelled system and options of another system at compile time', () => {
    const args = [tsc, '--noEmit', '--strict', '--skipLibCheck', '--target', 'ES2022', '--module', 'NodeNext'];
    args.push('--moduleResolution', 'NodeNext', '--types', 'node', join(root, 'test', 'types', 'data-config.ts'));
    let output = '';
    try {
      execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
  }, 120_000);
});
