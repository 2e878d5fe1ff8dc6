/**
 * Prints a fenced code block of README.md, so tests run the README's own lines:
 *   node scripts/readme-block.mjs SECTION LANG [N]
 * the N-th (default 1st) ```LANG block under the `## SECTION` heading (up to the next `## `).
 * Fails when there is none: a README edit that drops the block breaks the test that uses it.
 */
import { readFileSync } from 'node:fs';

const [section, lang, nth = '1'] = process.argv.slice(2);
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const start = readme.indexOf(`\n## ${section}\n`);
if (start < 0) throw new Error(`README.md has no section '## ${section}'`);
const end = readme.indexOf('\n## ', start + 1);
const body = readme.slice(start, end < 0 ? undefined : end);
const blocks = [...body.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1]);
const block = blocks[Number(nth) - 1];
if (block === undefined) throw new Error(`README.md, '## ${section}': no ${nth}. \`\`\`${lang} block`);
process.stdout.write(block);
