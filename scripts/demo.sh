#!/usr/bin/env bash
# The main job: sets up, then runs the demo (against the bundled simulator unless
# WEBEX_ACCESS_TOKEN and WEBEX_PERSON_ID are set). Extra arguments go to the demo (--dry-run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run -q -p webex-emergency --example demo -- "$@"
