/**
 * `generateData` is called one way in the docs (issue 24): the seed in the config, options second,
 * `generateData({ ..., seed }, { backend })`. The earlier form with the seed as an argument still
 * works and gives the same data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateData, getBackend } from '../../dist/entries/index.js';

const pages = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
  ...readdirSync('docs/examples').map((f) => join('docs/examples', f)),
];

describe('generateData in the docs', () => {
  it('every call passes the seed in the config and nothing but options after it', () => {
    const calls = pages.flatMap((page) =>
      [...readFileSync(page, 'utf8').matchAll(/generateData\((\{[^}]*\})(?:,\s*([^)]*))?\)/g)].map((m) => ({
        page,
        config: m[1],
        rest: m[2],
      })),
    );
    expect(calls.length).toBeGreaterThanOrEqual(6);
    for (const c of calls) {
      expect(c.config, `${c.page}: ${c.config}`).toMatch(/\bseed\b/);
      if (c.rest !== undefined) expect(c.rest.trim(), `${c.page}: ${c.config}, ${c.rest}`).toMatch(/^\{.*\}$/);
    }
  });

  it('the documented form and the earlier one give the same data', async () => {
    const config = { system: 'linear-filter' as const, n: 8, nTest: 4, T: 5 };
    const backend = await getBackend('ts');
    const a = await generateData({ ...config, seed: 7 }, { backend });
    const b = await generateData(config, 7, { backend });
    expect(a.train.X).toEqual(b.train.X);
    expect(a.train.Y).toEqual(b.train.Y);
    expect(a.test!.Y).toEqual(b.test!.Y);
    expect(a.train.meta).toEqual(b.train.meta);
  });
});
