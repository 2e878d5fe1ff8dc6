#!/usr/bin/env node
/**
 * Copies the tables of bench/results/latest.md (the last `make bench`) into docs/performance.md,
 * between the markers <!-- bench:begin --> and <!-- bench:end -->. Run after a full bench.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const md = readFileSync(new URL('./results/latest.md', import.meta.url), 'utf8');
const json = JSON.parse(readFileSync(new URL('./results/latest.json', import.meta.url), 'utf8'));
const doc = new URL('../docs/performance.md', import.meta.url);
const text = readFileSync(doc, 'utf8');
const body = md
  .replace(/^# rnn-gd benchmark\n\n/, '')
  .replace(/^## /gm, '### ')
  .trim();
const head =
  `From \`bench/results/latest.md\` (the last full run, ${json.machine.date.slice(0, 10)}; regenerate with ` +
  '`make bench && node bench/update-docs.mjs`).';
const begin = '<!-- bench:begin -->',
  end = '<!-- bench:end -->';
const i = text.indexOf(begin),
  j = text.indexOf(end);
if (i < 0 || j < i) throw new Error('docs/performance.md: markers <!-- bench:begin --> / <!-- bench:end --> not found');
writeFileSync(doc, `${text.slice(0, i + begin.length)}\n${head}\n\n${body}\n${text.slice(j)}`);
console.log('docs/performance.md updated');
