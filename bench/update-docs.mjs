#!/usr/bin/env node
/**
 * Copies the tables of bench/results/latest.md (the last `make bench`) into docs/performance.md,
 * one section per CPU kind (vendor, family, model: speed differs by kind, e.g. subnormal handling).
 * The section of this run's CPU kind is replaced; the others are kept. Each section sits between
 * <!-- bench:cpu KEY --> and <!-- bench:cpu-end KEY --> inside <!-- bench:begin --> / <!-- bench:end -->.
 * The run's files are also kept as bench/results/<key>.json and .md. Run after a full bench.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';

const results = new URL('./results/', import.meta.url);
const md = readFileSync(new URL('latest.md', results), 'utf8');
const json = JSON.parse(readFileSync(new URL('latest.json', results), 'utf8'));
const info = json.machine.cpuInfo;
const key = info
  ? `${info.vendor}-family${info.family}-model${info.modelNumber}`.replace(/[^A-Za-z0-9-]+/g, '')
  : 'unknown-cpu';
const title = info
  ? `${info.model} (${info.vendor}, family ${info.family} model ${info.modelNumber})`
  : json.machine.cpu;
for (const ext of ['json', 'md']) copyFileSync(new URL(`latest.${ext}`, results), new URL(`${key}.${ext}`, results));

const doc = new URL('../docs/performance.md', import.meta.url);
const text = readFileSync(doc, 'utf8');
const body = md
  .replace(/^# rnn-gd benchmark\n\n/, '')
  .replace(/^## /gm, '#### ')
  .trim();
const section =
  `<!-- bench:cpu ${key} -->\n### ${title}\n\n` +
  `From \`bench/results/${key}.md\` (the last full run on this CPU kind, ${json.machine.date.slice(0, 10)}; ` +
  'regenerate with `make bench && node bench/update-docs.mjs` on such a machine).\n\n' +
  `${body}\n<!-- bench:cpu-end ${key} -->`;

const begin = '<!-- bench:begin -->',
  end = '<!-- bench:end -->';
const i = text.indexOf(begin),
  j = text.indexOf(end);
if (i < 0 || j < i) throw new Error('docs/performance.md: markers <!-- bench:begin --> / <!-- bench:end --> not found');
const inner = text.slice(i + begin.length, j);
const sections = [...inner.matchAll(/<!-- bench:cpu (\S+) -->[\s\S]*?<!-- bench:cpu-end \1 -->/g)]
  .filter((m) => m[1] !== key)
  .map((m) => m[0]);
writeFileSync(doc, `${text.slice(0, i + begin.length)}\n${[section, ...sections].join('\n\n')}\n${text.slice(j)}`);
console.log(`docs/performance.md: section ${key} updated (${sections.length} other CPU kind(s) kept)`);
