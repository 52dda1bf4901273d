#!/usr/bin/env bash
# Benchmarks: installs nginx, wrk and wxc_sdk if missing, builds the release wheel and the Rust
# bench binary, then runs bench/bench.py. `bash bench/run.sh --quick` is a smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light wrk >/dev/null
fi
cargo build -q --release -p webex-emergency-bench -p webex-emergency-sim
rm -rf target/bench-wheels
.venv/bin/maturin build --release -q -m bindings-python/Cargo.toml -o target/bench-wheels
[ -x target/bench-venv/bin/python ] || python3 -m venv target/bench-venv
target/bench-venv/bin/pip install -q --force-reinstall --no-deps target/bench-wheels/webex_emergency-*.whl
target/bench-venv/bin/python -c "import wxc_sdk" 2>/dev/null || target/bench-venv/bin/pip install -q wxc_sdk
# The npm package is built every time (as the wheel is): the Node rows must run this commit's core.
bash bindings-wasm/build.sh
target/bench-venv/bin/python bench/bench.py --rust-bin target/release/webex-emergency-bench \
  --sim-bin target/release/webex-emergency-sim "$@"
