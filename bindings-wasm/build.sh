#!/usr/bin/env bash
# Builds the npm package into bindings-wasm/pkg: wasm-pack (size profile), wasm-opt -Oz, then the
# JS wrapper, its declarations and the package.json. Prints the size budget figure.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PWD/node_modules/.bin:$PATH"
[ -x node_modules/.bin/wasm-opt ] || npm ci --no-audit --no-fund

# Shorter source paths in panic locations (they are data in the .wasm).
export RUSTFLAGS="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src/=/ --remap-path-prefix=$(cd .. && pwd)/=/"
wasm-pack build . --profile wasm-release --no-opt --target web --out-dir pkg --out-name webex_emergency_wasm
wasm-opt -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/webex_emergency_wasm_bg.wasm -o pkg/webex_emergency_wasm_bg.wasm
cp js/index.js js/index.d.ts js/package.json pkg/
cp ../README.md pkg/README.md
rm -f pkg/.gitignore

wasm=$(gzip -9 -c pkg/webex_emergency_wasm_bg.wasm | wc -c)
glue=$(cat pkg/webex_emergency_wasm.js pkg/index.js | gzip -9 | wc -c)
echo "size: .wasm $(wc -c < pkg/webex_emergency_wasm_bg.wasm) B raw, ${wasm} B gzip -9; JS glue + wrapper ${glue} B gzip -9; total $((wasm + glue)) B"
# The size budget of the npm package: .wasm + JS, gzip -9.
# Raised from 150 kB: the six directory operations and Link paging took the package from 136.7
# to 158.0 kB, the audit with its JSON and CSV reports (csv crate, pretty JSON, messages) to
# 204.0 kB, its plan CSV to 206.6 kB, the request log to 207.2 kB, the bulk CSV sheets (the csv
# crate's reader, row checks, text-to-field conversion) to 226.6 kB, stopping a sheet on a refused
# token to 230.4 kB, the client's pacer (rate limits) to 233.1 kB. Issue 17 cuts it to 100 kB
# and lowers this budget to what it reaches.
if [ $((wasm + glue)) -gt 234000 ]; then
  echo "the npm package is over its 234 kB (gzip -9) budget" >&2
  exit 1
fi
