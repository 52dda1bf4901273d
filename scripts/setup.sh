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
log "ok"
