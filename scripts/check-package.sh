#!/usr/bin/env bash
# `make check-package`: the package as users get it (README "Install", docs/browser.md).
#  1. publint and @arethetypeswrong/cli (ESM-only profile) on the packed package;
#  2. the README's install lines, run as written in an empty directory (the clone is this checkout:
#     the only line not run literally is `git clone`, replaced by a link), then the tarball's
#     contents (built wasm, inline modules, bundles, entries, no sources or source maps);
#  3. the core install's size and package count, against the budget the README states;
#  4. the README's Quick API example run in that project; the CLI (`npx rnn-gd bounds`, `data
#     generate`, `train`, `eval`), an API example in Node (node entry: file functions, .wasm read
#     with fs), the same with rnn-gd/wasm-file and the universal bundle, TypeScript consumers with
#     the plain recommended tsconfigs, skipLibCheck off (test/package/consumer-browser: Vite's
#     template, DOM, no @types/node; test/package/consumer-node: `tsc --init` for Node, no DOM),
#     and Vite 7 builds of pages that import the installed package.
#  5. the native addon: its glibc requirement (scripts/check-native.sh), its platform package packed
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
trap 'rm -rf "$TMP" "$REPO/rnn-gd-$VERSION.tgz"' EXIT
VERSION=$(node -p "require('./package.json').version")
TGZ=rnn-gd-$VERSION.tgz
log "README, Install: its lines in an empty directory"
node scripts/readme-block.mjs Install sh > "$TMP/install.sh"
grep -q '^git clone https://github.com/rnn-gd/rnn-gd.git$' "$TMP/install.sh" || { log "README install: the git clone line changed"; exit 1; }
# No network to GitHub, and this checkout is the clone: a link stands in for the clone.
sed -i "s|^git clone https://github.com/rnn-gd/rnn-gd.git$|ln -s '$REPO' rnn-gd|" "$TMP/install.sh"
(cd "$TMP" && bash -euo pipefail install.sh > install.out) || { log "the README's install lines failed"; exit 1; }
# The last line, `npx rnn-gd bounds ...`, prints the bounds as JSON after the build's and npm's output.
grep -q '"regime": "short"' "$TMP/install.out" || { log "README install: npx rnn-gd bounds printed no bounds"; exit 1; }
APP=$TMP/my-project
mv "$REPO/$TGZ" "$TMP/$TGZ"
log "packed $TGZ ($(du -k "$TMP/$TGZ" | cut -f1) KiB)"
LIST=$(tar -tzf "$TMP/$TGZ")
for f in dist/entries/index.js dist/entries/index.d.ts dist/entries/node.js dist/entries/node.d.ts dist/entries/wasm-file.js dist/cli/main.js dist/entries/theory.js \
         dist/data/index.js dist/data/node.js dist/entries/memory.js dist/entries/memory.d.ts dist/core/disposable.d.ts \
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
# The maps point at ts/ sources the tarball does not hold: 3.8 MB of nothing for users.
if grep -q '\.map$' <<<"$LIST"; then log "the tarball holds source maps"; exit 1; fi

cd "$APP"
# The core install (README, "Install"): what `npm install` of the tarball puts in node_modules.
CORE_MAX_PACKAGES=20          # the target: fewer than 20
CORE_MAX_KIB=$((13 * 1024))   # 13 MiB (apparent size); zod 4 alone is 6 MiB of it (README, "Install")
packages=$(node -p "Object.keys(require('./node_modules/.package-lock.json').packages).filter(Boolean).length")
kib=$(du -sk --apparent-size node_modules | cut -f1)
log "core install: $packages packages, $((kib / 1024)) MiB ($kib KiB) in node_modules"
for peer in vega vega-lite vega-interpreter; do [ ! -e "node_modules/$peer" ] || { log "$peer is installed with the core (it is an optional peer)"; exit 1; }; done
if [ "$packages" -ge "$CORE_MAX_PACKAGES" ] || [ "$kib" -gt "$CORE_MAX_KIB" ]; then
  log "the core install is over its budget (< $CORE_MAX_PACKAGES packages, <= $CORE_MAX_KIB KiB)"; exit 1
fi

log "README, Quick API example, as example.mjs in that project"
node "$REPO/scripts/readme-block.mjs" "Quick API example" ts > readme-example.mjs
node readme-example.mjs > readme-example.out
grep -q "^completed " readme-example.out || { log "the README example did not complete: $(tail -3 readme-example.out)"; exit 1; }

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

log "TypeScript consumers, skipLibCheck off: a page (Vite's tsconfig: DOM, no @types/node), then Node (tsc --init: no DOM)"
for flavor in browser node; do
  mkdir -p "ts-$flavor"
  cp "$REPO/test/package/consumer-$flavor/tsconfig.json" "$REPO/test/package/consumer-$flavor/main.ts" "ts-$flavor/"
done
# The page's consumer is compiled before @types/node is in the project: it must not need it.
"$BIN/tsc" -p ts-browser/tsconfig.json
npm install --no-audit --no-fund --loglevel=error --save-dev @types/node@20 >/dev/null
"$BIN/tsc" -p ts-node/tsconfig.json
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
  if (!/^native (avx512-fma|avx512|avx2-fma|avx2|scalar) f32$/.test(b.description)) throw new Error(b.description);
  console.error('[check-package]   ' + b.description);" 2> native.txt
cat native.txt >&2
if [ "$(wc -l < native.txt)" != 1 ]; then log "the native path should print nothing"; exit 1; fi
npx --no-install rnn-gd data generate --system linear-filter --n 64 --n-test 32 --T 8 --seed 3 --out data >/dev/null
npx --no-install rnn-gd train --data data/train --test data/test --recurrence diagonal --m 32 --alpha 0.8 --eta 0.5 --steps 100 --out run >/dev/null
grep -q '"backend": "native' run/run.json || { log "run.json should record the native backend"; exit 1; }

log "ok"
