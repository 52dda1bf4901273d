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
