/**
 * Every ```ts block of README.md and docs/ (docs/results excepted) type-checks under strict mode
 * against the built package's declarations, importing `rnn-gd`, `rnn-gd/theory`, ... as a user
 * does: the blocks become the modules of a temporary project whose node_modules/rnn-gd links to
 * this repository, so the imports resolve through package.json "exports" to dist/ (Node
 * conditions). A block fenced as ```ts no-check is exempt; such blocks must stay rare.
 * Needs dist/ (make build).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../support/paths.js';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/fs.js';

interface Block {
  /** The markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}

/** The ```ts blocks of a markdown text, split into checked and exempt (```ts no-check). */
export function tsBlocks(file: string, text: string): { checked: Block[]; exempt: Block[] } {
  const checked: Block[] = [];
  const exempt: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(?:ts|typescript)(?:\s+(.*?))?\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (i === lines.length) throw new Error(`${file}:${start + 1}: unterminated code block`);
    const info = open[1] ?? '';
    if (info !== '' && info !== 'no-check') throw new Error(`${file}:${start + 1}: unknown fence info '${info}'`);
    (info === 'no-check' ? exempt : checked).push({ file, line: start + 1, code: body.join('\n') });
  }
  return { checked, exempt };
}

/** README.md and every markdown page under docs/ except the generated docs/results. */
function markdownFiles(): string[] {
  const found = [join(ROOT, 'README.md')];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && p !== join(ROOT, 'docs', 'results')) walk(p);
      else if (e.isFile() && e.name.endsWith('.md')) found.push(p);
    }
  };
  walk(join(ROOT, 'docs'));
  return found;
}

/** Type-checks each block as its own module of one program; the messages per block, `file:line: text`. */
function typeCheck(blocks: Block[], dir: string): Map<Block, string[]> {
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'rnn-gd'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const byPath = new Map<string, Block>();
  blocks.forEach((b, k) => {
    const path = join(dir, `example-${k}.ts`);
    // `export {}` makes even an import-free block a module (top-level await is allowed in modules).
    writeFileSync(path, `${b.code}\nexport {};\n`);
    byPath.set(path, b);
  });
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2022', 'DOM', 'esnext.disposable'],
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      skipLibCheck: true,
    },
    dir,
  );
  if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, '\n'));
  const program = ts.createProgram([...byPath.keys()], options);
  const messages = new Map<Block, string[]>(blocks.map((b) => [b, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const block = d.file ? byPath.get(d.file.fileName) : undefined;
    if (!block || !d.file || d.start === undefined) {
      // A diagnostic outside the examples (options, the package's own declarations) concerns them all.
      for (const list of messages.values()) list.push(`(no file): ${text}`);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    messages.get(block)!.push(`${block.file}:${block.line + 1 + line}: ${text}`);
  }
  return messages;
}

/** Broken examples that must be reported: proof that the check can fail. */
const CANARIES: Block[] = [
  {
    file: 'canary',
    line: 0,
    code: "import { bounds } from 'rnn-gd';\nconst n: number = bounds({ alpha: 0.5, T: 10, m: 64, n: 100 }).regime;",
  },
  { file: 'canary', line: 0, code: "import { noSuchExport } from 'rnn-gd/theory';\nnoSuchExport();" },
  { file: 'canary', line: 0, code: 'export function untyped(x) {\n  return x;\n}' },
];

describe('code examples in README.md and docs/', () => {
  const all = markdownFiles().map((p) => tsBlocks(relative(ROOT, p), readFileSync(p, 'utf8')));
  const checked = all.flatMap((b) => b.checked);
  const exempt = all.flatMap((b) => b.exempt);
  const dir = tempDir('doc-examples');
  let messages = new Map<Block, string[]>();
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'entries', 'index.d.ts')))
      throw new Error('no dist/entries/index.d.ts: run make build first');
    messages = typeCheck([...checked, ...CANARIES], dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the examples, and exempts few', () => {
    expect(checked.length).toBeGreaterThanOrEqual(7);
    expect(exempt.length).toBeLessThanOrEqual(2);
  });

  it('reports broken examples (a wrong type, a missing export, an implicit any under strict)', () => {
    for (const c of CANARIES) expect(messages.get(c), c.code).not.toEqual([]);
  });

  it('every ```ts block type-checks under strict mode against the built package', () => {
    expect(checked.flatMap((b) => messages.get(b) ?? [])).toEqual([]);
  });
});
