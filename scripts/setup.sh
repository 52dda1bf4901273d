#!/usr/bin/env bash
# Installs what the build and the tests need; skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[setup] $*"; }

command -v cargo >/dev/null || { echo "cargo (rustup) is required" >&2; exit 1; }
rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
  || { log "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
# rust-src: the npm package's build compiles the standard library itself (bindings-wasm/build.sh).
rustup component list --installed 2>/dev/null | grep -q rust-src \
  || { log "rustup component add rust-src"; rustup component add rust-src; }
rustup component list --installed 2>/dev/null | grep -q clippy \
  || { log "rustup component add clippy"; rustup component add clippy; }

# Python build tools (maturin builds the wheel; pytest and mypy test it).
if [ ! -x .venv/bin/maturin ] || [ ! -x .venv/bin/pytest ] || ! .venv/bin/python -c "import mypy" 2>/dev/null; then
  log "python venv .venv with maturin, pytest, mypy"
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q maturin pytest mypy
fi
# npm package: wasm-pack, the wasm-bindgen CLI of exactly the crate's version, wasm-opt from npm
# (binaryen), terser (minifies the JS), TypeScript, playwright-core and Vite; Debian's Chromium for the browser tests.
command -v wasm-pack >/dev/null || { log "cargo install wasm-pack"; cargo install wasm-pack --locked; }
WBG=$(grep -oE 'wasm-bindgen = "=[0-9.]+"' bindings-wasm/Cargo.toml | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')
wasm-bindgen --version 2>/dev/null | grep -q "$WBG" \
  || { log "cargo install wasm-bindgen-cli $WBG"; cargo install wasm-bindgen-cli --version "$WBG"; }
[ -x bindings-wasm/node_modules/.bin/wasm-opt ] && [ -x bindings-wasm/node_modules/.bin/terser ] \
  && [ -d bindings-wasm/node_modules/playwright-core ] \
  && [ -d bindings-wasm/node_modules/vite ] \
  || { log "npm ci (bindings-wasm)"; (cd bindings-wasm && npm ci --no-audit --no-fund); }
if ! command -v chromium >/dev/null; then
  log "apt-get install chromium chromium-driver"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
log "ok"
