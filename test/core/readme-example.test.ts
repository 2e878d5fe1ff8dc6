/** The README's API example runs as written (against the package's source entry). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as rnnGd from '../../ts/index.js';

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
