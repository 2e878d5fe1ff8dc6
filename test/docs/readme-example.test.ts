/** The README's API example runs as written (against the package's source entry). */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as rnnGd from '../../ts/entries/index.js';

describe('README quick API example', () => {
  it('runs and trains', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = readme.slice(readme.indexOf('## Quick API example')).match(/```ts\n([\s\S]*?)```/)![1];
    const body = block.replace(/^import .*$/m, '');
    const logs: unknown[][] = [];
    const log = (...args: unknown[]) => logs.push(args);
    const names = ['initialize', 'generateData', 'getBackend', 'Trainer', 'bounds'] as const;
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction(...names, 'console', body)(...names.map((n) => rnnGd[n]), { log });
    const final = logs.find((l) => l[0] === 'completed');
    expect(final).toBeDefined();
    expect(final![1]).toBeLessThan(0.1);
    expect(logs.at(-1)).toEqual(['short']);
    expect(logs.filter((l) => typeof l[0] === 'number').map((l) => l[0])).toEqual([0, 50, 100, 150, 200, 250, 300]);
  });
});

describe('README: your own arrays', () => {
  it('trains on Float64Arrays made by hand, as written', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = readme.slice(readme.indexOf('### Your own arrays')).match(/```ts\n([\s\S]*?)```/)![1];
    const js = ts.transpileModule(block, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
    const body = js.replace(/^import .*$/m, '').replace(/^export \{\};$/m, '');
    const logs: unknown[][] = [];
    const names = ['getBackend', 'initialize', 'Trainer'] as const;
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction(...names, 'console', body)(...names.map((n) => rnnGd[n]), {
      log: (...args: unknown[]) => logs.push(args),
    });
    expect(logs).toHaveLength(1);
    const [status, risks] = logs[0] as [string, number[]];
    expect(status).toBe('completed');
    expect(risks).toHaveLength(5);
    expect(risks[4]).toBeLessThan(0.2 * risks[0]);
  });
});
