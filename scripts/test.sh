#!/usr/bin/env bash
# Runs every test suite of the project against the bundled simulator (set-up included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== Rust: lint"
cargo clippy --workspace --all-targets -- -D warnings
cargo check -p webex-emergency --target wasm32-unknown-unknown

echo "== Rust: core and simulator tests"
cargo test --workspace

echo "== Python: release wheel, installed into a fresh venv"
rm -rf target/wheels target/py-test-venv
.venv/bin/maturin build --release -q -m bindings-python/Cargo.toml -o target/wheels
python3 -m venv target/py-test-venv
PY="$PWD/target/py-test-venv/bin/python"
# nbclient, ipykernel and ipywidgets execute the example notebook (with its notebook progress bar);
# pandas for AuditReport.to_pandas() there and in the tests.
"$PY" -m pip install -q target/wheels/webex_emergency-*.whl pytest mypy nbclient nbformat ipykernel ipywidgets pandas
(
  cd bindings-python
  echo "== Python: stubs are current, match the runtime, and type-check a sample"
  "$PY" stubgen.py --check
  "$PY" -m mypy.stubtest webex_emergency --allowlist stubtest-allowlist.txt
  "$PY" -m mypy --strict tests/typing_sample.py
  echo "== Python: pytest"
  "$PY" -m pytest tests -q -p no:cacheprovider
)

echo "== npm package: build (wasm-pack, wasm-opt), declarations current, tsc --strict on a sample"
cargo build -q -p webex-emergency-sim
bash bindings-wasm/build.sh
(
  cd bindings-wasm
  node gen-dts.mjs --check
  node_modules/.bin/tsc -p tsconfig.json
  echo "== npm package: Node 20 and headless Chromium tests"
  node --test tests/
)
