// The source scan shared by the `make lint` scripts (check-exports, check-layers, layout-stats):
// which files there are, and which relative modules a file imports.
import { readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const SKIP = new Set(['node_modules', 'dist', 'wasm-pkg']);

/** Every file under dir whose name ends with one of `ext`, generated and installed trees excepted. */
export function files(dir, ext) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : files(p, ext);
    return e.isFile() && ext.some((x) => e.name.endsWith(x)) ? [p] : [];
  });
}

/**
 * The relative module specifiers of a TypeScript file, with the line each is on: static imports and
 * re-exports (`import ... from`, `export ... from`, bare `import '...'`, type-only ones too: a type is
 * a dependency of the reader) and `import('...')` with a literal. Comments are not stripped, so a
 * specifier quoted in a comment counts: it can only err towards reporting.
 */
export function importsOf(text) {
  const found = [];
  const re = /(?:\bfrom\s*|^\s*import\s*|\bimport\(\s*)'(\.{1,2}\/[^']+)'/gm;
  for (const m of text.matchAll(re)) {
    found.push({ spec: m[1], line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

/** The path (as a .ts source) that `spec`, imported by the file at `from`, names. */
export function resolveImport(from, spec) {
  return normalize(join(dirname(from), spec)).replace(/\.js$/, '.ts');
}
