#!/usr/bin/env bash
# Installs what the build and the tests need; skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[setup] $*"; }

command -v cargo >/dev/null || { echo "cargo (rustup) is required" >&2; exit 1; }
rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
  || { log "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
rustup component list --installed 2>/dev/null | grep -q clippy \
  || { log "rustup component add clippy"; rustup component add clippy; }

# Python build tools (maturin builds the wheel; pytest and mypy test it).
if [ ! -x .venv/bin/maturin ] || [ ! -x .venv/bin/pytest ] || ! .venv/bin/python -c "import mypy" 2>/dev/null; then
  log "python venv .venv with maturin, pytest, mypy"
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q maturin pytest mypy
fi
log "ok"
