#!/usr/bin/env node
// `make lint`: the model vocabulary is spelled once. The value lists of ts/core (`export const X =
// ['a', 'b'] as const` in LISTS' files) are the only lists of those values: fails on a second list of
// the same values in ts/ (an array literal or a union type of the same strings), and on a z.enum of
// a core list outside ts/core/config.ts, which holds the one field schema per concept.
import { readFileSync } from 'node:fs';
import { files } from './lib/sources.mjs';

const LISTS = ['ts/core/types.ts', 'ts/core/activations.ts'];
const SCHEMAS = 'ts/core/config.ts';
/** Lists whose z.enum is made where it is used (not model vocabulary: no field schema in SCHEMAS). */
const ENUM_ANYWHERE = new Set(['BACKEND_NAMES']);

const strings = (body) => [...body.matchAll(/'([^']*)'/g)].map((m) => m[1]);
const key = (values) => [...new Set(values)].sort().join('|');
const lineOf = (text, index) => text.slice(0, index).split('\n').length;

const lists = new Map(); // key -> { name, path }
for (const path of LISTS)
  for (const m of readFileSync(path, 'utf8').matchAll(/^export const ([A-Z_]+) = \[([^\]]*)\] as const/gm))
    lists.set(key(strings(m[2])), { name: m[1], path });

const problems = [];
for (const path of files('ts', ['.ts'])) {
  const text = readFileSync(path, 'utf8');
  const literals = [
    ...[...text.matchAll(/\[((?:\s*'[^']*'\s*,?)+)\]/g)].map((m) => ({ index: m.index, values: strings(m[1]) })),
    ...[...text.matchAll(/'[^'\n]*'(?:\s*\|\s*'[^'\n]*')+/g)].map((m) => ({ index: m.index, values: strings(m[0]) })),
  ];
  for (const { index, values } of literals) {
    const list = lists.get(key(values));
    if (!list || values.length < 2) continue;
    const definition =
      path === list.path && /^export const [A-Z_]+ = $/m.test(text.slice(text.lastIndexOf('\n', index) + 1, index));
    if (!definition)
      problems.push(
        `${path}:${lineOf(text, index)}: a second spelling of ${list.name} (${list.path}): use it, or its type`,
      );
  }
  if (path === SCHEMAS) continue;
  for (const m of text.matchAll(/z\.enum\(\s*([A-Z_]+)/g)) {
    if ([...lists.values()].some((l) => l.name === m[1]) && !ENUM_ANYWHERE.has(m[1]))
      problems.push(`${path}:${lineOf(text, m.index)}: z.enum(${m[1]}): use its field schema from ${SCHEMAS}`);
  }
}

if (problems.length > 0) {
  console.error(`check-vocabulary: ${problems.length} second spelling(s) of the model vocabulary:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`check-vocabulary: ok (${lists.size} lists: ${[...lists.values()].map((l) => l.name).join(', ')})`);
