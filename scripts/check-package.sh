#!/usr/bin/env bash
# `make check-package`: the package as users get it (docs/browser.md).
#  1. publint and @arethetypeswrong/cli (ESM-only profile) on the packed package;
#  2. `npm pack`, then the tarball's contents (built wasm, inline modules, bundles, entries);
#  3. the tarball installed into an empty directory (its dependencies from the npm registry):
#     the CLI (`npx rnn-gd bounds`, `data generate`, `train`, `eval`), an API example in Node
#     (node entry: file functions, .wasm read with fs), the same with rnn-gd/wasm-file and the
#     universal bundle, a TypeScript consumer type-checked (nodenext and bundler resolution), and
#     Vite 7 builds of pages that import the installed package;
#  4. the native addon: its glibc requirement (scripts/check-native.sh), its platform package packed
#     and listed as an optional dependency (scripts/optional-deps.mjs); installed without it (npm skips
#     an optional dependency it cannot get) getBackend('auto') falls back to wasm with one stderr
#     line, installed with it the CLI and the API run native.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BIN=$REPO/node_modules/.bin
log() { echo "[check-package] $*" >&2; }

log "publint"
"$BIN/publint" --strict
log "arethetypeswrong (ESM-only: node16 from ESM, bundler)"
"$BIN/attw" --pack . --profile esm-only

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
TGZ=$(npm pack --silent --pack-destination "$TMP" | tail -1)
log "packed $TGZ ($(du -k "$TMP/$TGZ" | cut -f1) KiB)"
LIST=$(tar -tzf "$TMP/$TGZ")
for f in dist/index.js dist/index.d.ts dist/node.js dist/node.d.ts dist/wasm-file.js dist/cli/main.js dist/theory/index.js \
         dist/data/index.js dist/data/node.js dist/memory.js dist/memory.d.ts \
         dist/bundle/index.js dist/bundle/wasm-file.js dist/bundle/memory.js dist/bundle/data.js \
         dist/wasm-pkg/simd/rnn_wasm_bg.wasm dist/wasm-pkg/scalar/rnn_wasm_bg.wasm \
         dist/wasm-pkg/simd/rnn_wasm_inline.js dist/wasm-pkg/scalar/rnn_wasm_inline.js; do
  grep -qx "package/$f" <<<"$LIST" || { log "the tarball lacks $f"; exit 1; }
done
if grep -q '^package/\(ts\|test\|web\|crates\|bench\|npm\)/' <<<"$LIST"; then log "the tarball holds sources, tests or addons"; exit 1; fi

TARGET=$(node scripts/native-target.mjs)
log "native addon for $TARGET: glibc requirement"
bash scripts/check-native.sh "npm/$TARGET/rnn-gd.$TARGET.node"
log "platform package and optional dependencies"
mkdir "$TMP/stage"
tar -xzf "$TMP/$TGZ" -C "$TMP/stage"
log "  optional: $(node scripts/optional-deps.mjs "$TMP/stage/package/package.json")"
(cd "$TMP/stage/package" && npm pack --silent --pack-destination "$TMP" >/dev/null)
NATIVE_TGZ=$(cd "npm/$TARGET" && npm pack --silent --pack-destination "$TMP" | tail -1)
tar -tzf "$TMP/$NATIVE_TGZ" | grep -qx "package/rnn-gd.$TARGET.node" || { log "$NATIVE_TGZ lacks the addon"; exit 1; }

APP=$TMP/app
mkdir -p "$APP"
cd "$APP"
npm init -y >/dev/null
log "npm install ./$TGZ into an empty directory"
npm install --no-audit --no-fund --loglevel=error "../$TGZ" >/dev/null

log "CLI: npx rnn-gd bounds"
npx --no-install rnn-gd bounds --alpha 0.5 --T 10 --m 256 --n 512 --tau 1000 > bounds.json
node -e "const b = JSON.parse(require('fs').readFileSync('bounds.json', 'utf8')); if (b.regime !== 'short' || b.derived !== true) throw new Error('bounds: ' + JSON.stringify(b).slice(0, 200))"
log "CLI: rnn-gd data generate, train, eval"
npx --no-install rnn-gd data generate --system linear-filter --n 64 --n-test 32 --T 8 --seed 3 --out data >/dev/null
npx --no-install rnn-gd train --data data/train --test data/test --recurrence diagonal --m 32 --alpha 0.8 --eta 0.5 --steps 100 --out run >/dev/null 2>&1
npx --no-install rnn-gd eval --model run/model.json --data data/test > eval.json
node -e "const e = JSON.parse(require('fs').readFileSync('eval.json', 'utf8')); if (!(e.loss > 0) || e.predictions.length !== 32) throw new Error('eval: ' + JSON.stringify(e).slice(0, 200))"

log "API example (Node entry)"
cat > example.mjs <<'JS'
import { generateData, getBackend, initialize, loadModel, loadWasm, predict, saveModel, Trainer } from 'rnn-gd';
import { workspaceBytes } from 'rnn-gd/memory';
import { makeRng, readGenerated } from 'rnn-gd/data';

const backend = await getBackend('wasm');
const { train, test } = await generateData({ system: 'linear-filter', n: 128, nTest: 64, T: 10 }, 1, { backend });
const params = initialize({ recurrence: 'diagonal', activation: 'tanh', readout: 'final', m: 64, d: train.d, alpha: 0.8 }, { seed: 1 });
const trainer = new Trainer({ backend, params, data: train, test, train: { eta: 0.5, steps: 300, recordEvery: 100, projection: { kind: 'maxnorm', rho: 4 } } });
const { status, records } = await trainer.run();
saveModel('model.json', trainer.params(), { note: 'example' });
trainer.free();
const back = await loadModel('model.json');
const y = await predict(back, test, { backend });
if (y.length !== test.n || back.meta.note !== 'example' || !(workspaceBytes(back.spec, 8, 10) > 0)) process.exit(1);
if (typeof makeRng !== 'function' || typeof readGenerated !== 'function') process.exit(1);
const wasm = await loadWasm();
console.log(JSON.stringify({ status, first: records[0].risk, last: records.at(-1).risk, backend: backend.description, source: wasm.source, m: back.spec.m }));
if (status !== 'completed' || !(records.at(-1).risk < 0.5 * records[0].risk) || wasm.source !== 'file') process.exit(1);
JS
node example.mjs

log "API example (rnn-gd/wasm-file and rnn-gd/bundle in Node)"
node --input-type=module -e "
  for (const entry of ['rnn-gd/wasm-file', 'rnn-gd/bundle']) {
    const m = await import(entry);
    const b = await m.getBackend('wasm');
    const w = await m.loadWasm();
    console.log(entry, b.description, w.source);
    if (w.flavor !== 'simd') process.exit(1);
  }"

log "rnn-gd/theory: empirical NTK and bounds from the installed package"
node --input-type=module -e "
  import { tsBackend, initialize } from 'rnn-gd';
  import { bounds, empiricalNtk, kernelAlignment } from 'rnn-gd/theory';
  const params = initialize({ recurrence: 'diagonal', activation: 'tanh', m: 8, d: 2, alpha: 0.5 }, { seed: 1 });
  const X = Float64Array.from({ length: 3 * 4 * 2 }, (_, k) => 0.3 * Math.sin(k + 1));
  const { K, stats } = empiricalNtk(tsBackend(), params, { n: 3, T: 4, d: 2, X, Y: new Float64Array(3) });
  const a = kernelAlignment(K, 3, [1, -1, 0.5]);
  console.log(JSON.stringify({ regime: bounds({ alpha: 0.5, T: 4, m: 8, n: 3 }).regime, min: stats.minEigenvalue, a }));
  if (!(stats.minEigenvalue > 0) || !(Math.abs(a) <= 1)) process.exit(1);"

log "TypeScript consumer (moduleResolution nodenext and bundler)"
cat > consumer.ts <<'TS'
import { bounds, generateData, loadModel, predict, Trainer, type MetricRecord } from 'rnn-gd';
import { setMemoryCap } from 'rnn-gd/memory';
import { makeRng } from 'rnn-gd/data';
import { wasmFileSource } from 'rnn-gd/wasm-file';
import { empiricalNtk, type GramStats } from 'rnn-gd/theory';
const g: GramStats | undefined = undefined;
const r: MetricRecord | undefined = undefined;
export const used = [bounds, generateData, loadModel, predict, Trainer, wasmFileSource, r, empiricalNtk, g, setMemoryCap, makeRng];
TS
cat > browser-consumer.ts <<'TS'
import { bounds, modelBlob, setWasmSource, simdSupported } from 'rnn-gd';
import { generateInputs } from 'rnn-gd/data';
export const used = [bounds, modelBlob, setWasmSource, simdSupported, generateInputs];
TS
"$BIN/tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 --lib es2022,dom,esnext.disposable --skipLibCheck consumer.ts
"$BIN/tsc" --noEmit --strict --module esnext --moduleResolution bundler --target es2022 --lib es2022,dom,esnext.disposable --skipLibCheck browser-consumer.ts
log "Vite 7 build of a page that imports the installed package (inline default; rnn-gd/wasm-file)"
for variant in inline file; do
  mkdir -p "vite-$variant"
  entry=rnn-gd; [ "$variant" = file ] && entry=rnn-gd/wasm-file
  printf '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>\n' > "vite-$variant/index.html"
  printf "import { getBackend, bounds } from '%s';\nconst b = await getBackend('wasm');\ndocument.body.textContent = b.description + ' ' + bounds({ alpha: 0.5, T: 10, m: 64, n: 64 }).regime;\n" "$entry" > "vite-$variant/main.js"
  "$BIN/vite" build "vite-$variant" --logLevel error
  wasm=$(find "vite-$variant/dist" -name '*.wasm' | wc -l)
  inline=$(grep -l 'AGFzbQEAAAA' "vite-$variant"/dist/assets/*.js | wc -l)   # base64 of the wasm magic
  log "  $variant: $wasm .wasm assets, $inline inline-wasm chunks"
  if [ "$variant" = inline ] && { [ "$wasm" != 0 ] || [ "$inline" != 2 ]; }; then log "the inline build should emit no .wasm and two inline chunks"; exit 1; fi
  if [ "$variant" = file ] && [ "$wasm" != 2 ]; then log "the wasm-file build should emit the two .wasm files"; exit 1; fi
done
cd "$APP"
log "native: not installed (npm skipped the optional dependency): auto is wasm, one line on stderr"
if [ -d "node_modules/rnn-gd-$TARGET" ]; then log "the platform package should not be installed here"; exit 1; fi
node --input-type=module -e "
  const m = await import('rnn-gd');
  const b = await m.getBackend();
  if (b.description !== 'wasm simd128 f32') throw new Error(b.description);" 2> fallback.txt
if [ "$(wc -l < fallback.txt)" != 1 ] || ! grep -q "^rnn-gd: native backend unavailable (MODULE_NOT_FOUND: no native addon for $TARGET" fallback.txt; then
  log "expected one fallback line, got:"; cat fallback.txt >&2; exit 1
fi
NATIVE_APP=$TMP/app-native
mkdir -p "$NATIVE_APP"
cd "$NATIVE_APP"
npm init -y >/dev/null
log "native: npm install ./$TGZ ./$NATIVE_TGZ"
npm install --no-audit --no-fund --loglevel=error "../$TGZ" "../$NATIVE_TGZ" >/dev/null
node --input-type=module -e "
  const m = await import('rnn-gd');
  const b = await m.getBackend();
  if (!/^native (avx2|scalar) f32$/.test(b.description)) throw new Error(b.description);
  console.error('[check-package]   ' + b.description);" 2> native.txt
cat native.txt >&2
if [ "$(wc -l < native.txt)" != 1 ]; then log "the native path should print nothing"; exit 1; fi
npx --no-install rnn-gd data generate --system linear-filter --n 64 --n-test 32 --T 8 --seed 3 --out data >/dev/null
npx --no-install rnn-gd train --data data/train --test data/test --recurrence diagonal --m 32 --alpha 0.8 --eta 0.5 --steps 100 --out run >/dev/null
grep -q '"backend": "native' run/run.json || { log "run.json should record the native backend"; exit 1; }

log "ok"
