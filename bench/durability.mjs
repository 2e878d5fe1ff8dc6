/**
 * The cost of durability: a durable atomic write (temp file, fsync, rename, fsync of the directory)
 * and an fsynced appended line, against the same without fsync, 200 calls each, in one run so the
 * ratios are comparable. Usage: `make build && node bench/durability.mjs [directory prefix]`
 * (default: the system's temporary directory). Quoted in docs/robustness.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLines, writeFileAtomic } from '../dist/io/fs.js';

const dir = mkdtempSync(process.argv[2] ?? join(tmpdir(), 'rnn-gd-durability-'));
// About the size of the model.json of a dense model with m = 64 (4096 recurrent weights).
const body = JSON.stringify({ W: Array.from({ length: 4096 }, (_, i) => Math.sin(i)) });
const line = JSON.stringify({ step: 1, risk: 0.123456789, avgRisk: 0.2, rhoEff: 1.5, distL2: 2.5 }) + '\n';
const N = 200;
/**
 * @param {string} label
 * @param {() => void} f
 */
const time = (label, f) => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / N;
  console.log(`${label}: ${ms.toFixed(3)} ms per call`);
  return ms;
};
const a = time('atomic write, durable (fsync of file and directory)', () => writeFileAtomic(join(dir, 'm.json'), body));
const b = time('atomic write, no fsync', () => writeFileAtomic(join(dir, 'm.json'), body, { durable: false }));
const c = time('append of one line, fsynced', () => appendLines(join(dir, 'p.jsonl'), line));
const d = time('append of one line, no fsync', () => appendLines(join(dir, 'p.jsonl'), line, { durable: false }));
console.log(
  `ratios: write ${(a / b).toFixed(1)}x, append ${(c / d).toFixed(1)}x (body ${body.length} bytes, in ${dir})`,
);
rmSync(dir, { recursive: true, force: true });
