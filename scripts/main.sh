#!/usr/bin/env bash
# The main job, from a fresh clone with Rust and Python: a venv with maturin, the release wheel
# built and installed, then `webex-emergency` run. Without arguments it audits: the bundled
# simulator's demo org unless WEBEX_ACCESS_TOKEN is set. With arguments they are the command's
# (e.g. `bash scripts/main.sh bulk ecbn --csv plan.csv --dry-run`). Nothing else is installed
# (no browser, no wasm tools, no npm packages: those are the test command's).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "cargo (rustup) is required" >&2; exit 1; }
if [ ! -x .venv/bin/maturin ]; then
  echo "[main] python venv .venv with maturin" >&2
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q maturin
fi
echo "[main] building the release wheel (the first build takes a few minutes)" >&2
.venv/bin/maturin build --release -q -m bindings-python/Cargo.toml -o target/main-wheel >/dev/null
wheel=$(ls -t target/main-wheel/webex_emergency-*.whl | head -1)
.venv/bin/pip install -q --force-reinstall --no-deps "$wheel"
.venv/bin/pip install -q "$wheel"
if [ $# -gt 0 ]; then
  exec .venv/bin/webex-emergency "$@"
elif [ -n "${WEBEX_ACCESS_TOKEN:-}" ]; then
  exec .venv/bin/webex-emergency audit
else
  exec .venv/bin/webex-emergency --simulator audit
fi
