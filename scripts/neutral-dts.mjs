/**
 * Makes wasm-bindgen's generated declarations in dist/wasm-pkg compile in any consumer project:
 * they name DOM types (RequestInfo, BufferSource, WebAssembly.*) that a Node project without the
 * DOM lib does not have, and Symbol.dispose, which needs lib esnext.disposable. Each such type is
 * replaced by its structural equivalent, and the package's own Symbol.dispose declaration
 * (dist/core/disposable.d.ts) is imported. Comments are left alone. Fails when a DOM name remains, so a
 * new wasm-bindgen version that emits another one breaks the build rather than a user's.
 *
 *   node scripts/neutral-dts.mjs [dir]     (default dist/wasm-pkg; run by `make build`)
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'dist/wasm-pkg';
const REPLACEMENTS = [
  [/\bRequestInfo\b/g, 'string'],
  [/\bBufferSource\b/g, 'ArrayBuffer | ArrayBufferView'],
  [/\bWebAssembly\.Memory\b/g, '{ readonly buffer: ArrayBuffer }'],
  [/\bWebAssembly\.(Module|Table|Global|Instance)\b/g, 'object'],
];
const FORBIDDEN = /\b(RequestInfo|BufferSource|WebAssembly)\b/;
const isComment = (line) => /^\s*(\/\/|\/\*|\*)/.test(line);

for (const flavor of readdirSync(dir)) {
  for (const name of ['rnn_wasm.d.ts', 'rnn_wasm_bg.wasm.d.ts']) {
    const file = join(dir, flavor, name);
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    const out = lines.map((line) => {
      if (isComment(line)) return line;
      let s = line;
      for (const [re, to] of REPLACEMENTS) s = s.replace(re, to);
      if (FORBIDDEN.test(s)) throw new Error(`${file}: a DOM type is left in: ${s.trim()}`);
      return s;
    });
    const text = out.join('\n');
    const header =
      "import '../../core/disposable.js'; // Symbol.dispose without lib esnext.disposable (scripts/neutral-dts.mjs)\n";
    writeFileSync(file, text.startsWith(header) ? text : header + text);
  }
}
