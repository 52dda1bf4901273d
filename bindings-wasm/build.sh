#!/usr/bin/env bash
# Builds the npm package into bindings-wasm/pkg: wasm-pack (size profile), wasm-opt -Oz, then the
# JS wrapper, its declarations and the package.json. Prints the size budget figure.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PWD/node_modules/.bin:$PATH"
[ -x node_modules/.bin/wasm-opt ] && [ -x node_modules/.bin/terser ] || npm ci --no-audit --no-fund

# The standard library is compiled with the package, for size (measured 2026-12-06 with twiggy:
# 18 kB of 224 kB gzipped): `panic=immediate-abort` drops the panic messages, their locations and
# the formatting they need (a panic in wasm32 traps either way: JS gets a RuntimeError, as
# before), `-Zlocation-detail=none` drops the source paths std's checks keep (0.6 kB), and std's
# `optimize_for_size` picks its smaller algorithms. These are unstable options
# of the one pinned stable toolchain, enabled by RUSTC_BOOTSTRAP for this build only (it needs
# the rust-src component; scripts/setup.sh adds it). Its own target directory keeps these flags
# from rebuilding the workspace's other wasm32 checks.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$(cd .. && pwd)/target/npm"
# Reference types and multi-value returns are off (both on by default for wasm32 since Rust
# 1.82): JS values then live in the glue's own table instead of a wasm externref table, whose
# per-call table shims were larger (.wasm -1.23 kB, JS +0.23 kB gzipped; measured 2026-12-07).
export RUSTFLAGS="-Ctarget-feature=-reference-types,-multivalue -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src/=/ --remap-path-prefix=$(cd .. && pwd)/=/"
wasm-pack build . --profile wasm-release --no-opt --target web --out-dir pkg --out-name webex_emergency_wasm \
  -- -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
# --low-memory-unused lets wasm-opt fold constant offsets into loads and stores (-1.4 kB): Rust
# puts its stack first, growing down from 1 MiB to 0, so the low 1 kB is only reached by a stack
# within 1 kB of overflowing. Flattening and re-looping the control flow between two -Oz rounds
# gives binaryen's size passes more to fold (-0.9 kB, 10 s more build time). Functions with one
# caller are inlined only up to 20 instructions (-ocimfs=20; binaryen inlines them at any size by
# default): the calls compress better than the bodies copied into the callers (-3.4 kB gzipped
# although 7 kB larger raw; 10 and 30 measured within 0.3 kB of it, 0 and 200 1 kB and 2.4 kB over).
# A third -Oz round after the converged ones still folds some code (-0.08 kB, 2026-12-07).
wasm-opt -ocimfs=20 -Oz --flatten --rereloop -Oz --converge --low-memory-unused -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals \
  pkg/webex_emergency_wasm_bg.wasm -o pkg/webex_emergency_wasm_bg.wasm
# Import and export names shortened in the module and in the glue (-2.7 kB; see minify-names.mjs);
# the target features section (for tools, not engines) dropped (-0.1 kB).
wasm-opt --minify-imports-and-exports-and-modules --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals \
  pkg/webex_emergency_wasm_bg.wasm -o pkg/webex_emergency_wasm_bg.wasm > pkg/names.json
node minify-names.mjs pkg/names.json pkg/webex_emergency_wasm.js pkg/webex_emergency_wasm.d.ts pkg/webex_emergency_wasm_bg.wasm.d.ts pkg/webex_emergency_wasm_bg.wasm
rm pkg/names.json
cp js/index.js js/index.d.ts js/package.json pkg/
# The JS glue and wrapper, minified (terser, from npm): 9.9 kB gzipped before, 6.1 kB after
# (2026-12-06). Class names are kept (the error classes are told apart by name), and the
# wrapper's function names; the glue's functions are renamed (its closure shims are named after
# their Rust types, 2 kB of text: -0.37 kB gzipped, 2026-12-07), its exports keep theirs. ES2020
# output (the wrapper itself uses ES2021) and three compress passes: -0.04 kB.
terser pkg/webex_emergency_wasm.js --module --ecma 2020 --compress passes=3 --mangle --keep-classnames -o pkg/webex_emergency_wasm.js
terser pkg/index.js --module --ecma 2020 --compress passes=3 --mangle --keep-classnames --keep-fnames -o pkg/index.js
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
# token to 230.4 kB, the client's pacer (rate limits) to 233.1 kB. Issue 17 (aim: 100 kB):
# std built with the package (-23 kB), CSV rows written without csv's writer and no Unicode case
# tables (-24 kB), answers read by one function over the model tables (-13 kB): 177.6 kB; the report
# and dry runs as JSON without serde's value serializer, one JSON reader (from bytes): 174.1 kB; a
# call's methods compiled once for every answer type, models read with one exit: 172.8 kB; the
# JS minified by terser: 169.0 kB; the pacer's late-timer changes: 169.4 kB. Request rules on the
# body's JSON (one reader over the model tables): 163.9 kB; the audit reading JSON (no typed
# answer readers): 150.9 kB; one bulk stream for every item source: 150.2 kB; no source
# locations in the std build (-Zlocation-detail=none): 149.5 kB; talc as the allocator: 147.8 kB;
# the pacer reopening a window early and measuring it: 148.0 kB; the review's fixes: 148.2 kB; one
# future_to_promise for every method: 147.1 kB; JSON answers read through the model by the call
# itself: 146.8 kB; Error's large variants boxed: 147.0 kB; then, each measured alone against
# that: wasm-opt --low-memory-unused -1.4 kB, Retry-After dates read by the host's Date.parse
# (no httpdate) -3.2 kB, Webex IDs decoded by hand (no base64 decoder) -1.8 kB, JSON maps
# rebuilt rather than removed from -1.3 kB; the four together: 139.9 kB; one hash map type
# (keyed::Keyed): 136.2 kB; the pacer's turns claimed and slept to holding nothing: 136.5 kB
# (the budget keeps some room for build-to-build differences); import and export names
# shortened (minify-names.mjs): 133.7 kB; wasm-opt's flatten and re-loop between two -Oz
# rounds: 132.8 kB; JSON objects built by inserting, not collect's bulk build: 131.4 kB; the
# report's sorts unstable: 131.0 kB; one stream for the audit's member lists, no target
# features section: 130.6 kB; one timer for the waits before an attempt: 130.3 kB. E-mail
# domains checked without Unicode's letter tables: 128.5 kB; `Keyed`'s index a JSON object (no
# hash map): 125.3 kB; `bulk::Cancel` without `Shared`: 123.6 kB; fractions written by the
# host's JSON.stringify (no zmij): 121.8 kB; CSV read by csv_core without the csv crate's
# Reader: 119.9 kB; floats laid out as serde_json lays them out (the review): 120.5 kB; invisible
# characters refused in e-mail addresses and escaped where a message quotes a value, a header's
# duplicate names found in one pass (2026-12-07): 120.9 kB; options and IDs of the wrong type
# refused, not dropped or thrown as a TypeError, and errors before init() named: 121.2 kB; an
# exception from onRow stopping the sheet run and thrown, one from onProgress written to the
# console, a function as `token` (as in Python): 121.5 kB; the review's retry fixes (a Retry-After
# longer than the client waits holding off its later calls, `Retry-After: 0` no longer a
# retry-free loop, one token refresh per 401), IDs refused by operations that take none, options
# that are not an object refused, a base URL's credentials found anywhere: 122.1 kB; per-call
# options the call does not take refused (`dry_run` was ignored and the write sent), a truthy
# `dryRun` a dry run in bulk runs too, a `signal` that is not an AbortSignal refused, a timer's
# promise settled when its race is lost (800 bytes kept per call), the sheet rows' error code: 122.8 kB;
# a call held off by a long Retry-After checked before its waits and the rest of a short one
# slept out (the review): 123.0 kB; an aborted bulk run reading a generator no further (an
# array's length passed on), list streams taking a signal: 123.5 kB; what getToken threw kept as
# the ConfigError's cause: 123.7 kB; a `proxy` refused (fetch cannot be given one; it had been
# ignored): 123.8 kB; the review of that: a cancel ending a run whose source waits, a Set's or a
# typed array's length passed on as an array's, a failing token provider stopping a sheet: 124.0 kB.
# One-caller functions inlined by wasm-opt only up to 20 instructions: 120.6 kB; answers and JS
# inputs read by the host's JSON.parse (no serde_json reader): 114.6 kB; JSON written by
# wire::json::text (no serde_json serializer): 113.4 kB; no string searches for "://" and "GMT"
# (std's two-way searcher): 112.6 kB; the review: a lone UTF-16 surrogate in what is sent
# refused (JSON.parse would have made it U+FFFD), whole numbers up to 2^64 read as integers: 112.7 kB.
# The audit's lists read ahead and a list's pages paced ahead of the other calls: 112.8 kB; a
# member's full name put together without a Vec (2026-12-07): 112.73 kB; the audit's three member
# lists read at once (a page waiting out a Retry-After no longer stalls the audit; measured
# 91-100% of the rate limit's bound against 86-92% without, at 1,000/s with no latency): 112.97 kB;
# the review: a location missing from the list named the same whatever order its members finish
# in: 113.04 kB. The audit's last reads holding the pacer's creep, its total counted as the lists
# are read (2026-12-07): 113.15 kB; text cut at ASCII bytes rather than with `char` patterns
# (model messages, CSV quoting, the spreadsheet guard, the base URL's parts, `order`): 112.51 kB;
# the review: 112.54 kB; every other `char` pattern (IDs, paging links, e-mail, Retry-After
# values, names) cut at bytes too, std's `CharSearcher` gone: 112.12 kB. A reopening window's
# probes no longer pausing everyone again (2026-12-07): 112.10 kB; waiting between tasks by a
# waker list of our own in the browser build (core::sync, not tokio::sync): 110.76 kB; a list's
# item stream fused (a next() after its end had trapped): 110.85 kB; text joined by
# wire::split::join, not std's generic join and concat: 110.53 kB; the review (waker lists as
# sorted queues; a path's ID put in without replace_range): 110.36 kB; the waker lists' wake
# functions: 110.29 kB. Lists and arrays built by plain loops rather than iterator chains
# (`map(..).collect()` is three functions per use: fold, extend and from_iter; a loop is one), in
# the sheets, the report, errors, the operation table and the JSON reader: 107.38 kB; more of them
# (the answer reader's null fields, a bulk item's fields, the shape check's field names, the
# float writer, a page's items, the operation lookup), texts cut at a character count by
# wire::split::first_chars rather than chars().take(): 106.17 kB; bytes searched by plain loops
# (wire::split's find_byte, all_bytes; `bytes().position(..)` was a function per closure): 105.80 kB;
# the JS glue's functions renamed by terser (its closure shims were named after Rust types): 105.42 kB;
# an error body's excerpt made lossy by from_utf8 and its error lengths (no Utf8Chunks), a page's
# first item kept as JSON text (no copy and comparison of JSON values), a RedSky state not cloned
# to be named: 104.86 kB; a location's empty summary made by one function: 104.81 kB; reference
# types and multi-value returns off (JS values in the glue's table): 103.82 kB; the JS as ES2020 in
# three passes: 103.77 kB; a loopback IPv4 base URL checked without std's address parser: 103.67 kB;
# a bulk run's source boxed as its `next` (platform::BoxIter), not as a `dyn Iterator`: 103.42 kB;
# a camelCase name compared by a byte loop, an e-mail's domain labels checked as they are cut,
# a CSV cell's quotes doubled without `enumerate`: 103.18 kB; a bulk run's results gathered by a
# loop (no stream map and collect): 103.10 kB; a list's items handed out by one poll_fn (no
# flat_map and fuse), a bulk item's index counted in its map (no enumerate), the audit's three
# member lists taking turns in one poll_fn (no nested selects, maps and filter_map): 102.38 kB;
# the re-read: that stream ends when every list has (no stale "waiting" flag): 102.33 kB. The
# bulk runs' and the audit's futures run by a single-threaded buffer_unordered of our own
# (core::sync; futures-util's FuturesUnordered, compiled once for each, was 4.6 kB raw), a bulk
# run's results put in input order by swaps, not a sort (2026-12-07): 101.20 kB; a dry run's JSON
# made by moving its body (no code to copy JSON): 100.69 kB; a sheet's dry runs or bulk run read
# by one poll_fn (no Either, map, enumerate): 100.42 kB; the futures made by buffer_unordered
# itself (no map): 100.32 kB; the audit's locations handed out by its read-ahead stream (no
# chain, iter): 100.27 kB; a bulk item counted as it finishes (no inspect): 100.20 kB; the
# member lists written out (no array map): 100.07 kB; a third -Oz round: 99.99 kB; location
# summaries made as the locations are read (no Keyed::map): 99.94 kB; a list's items handed
# out from the page's own array: 99.75 kB; the review (buffer_unordered's old task waker dropped
# after its lock is let go): 99.80 kB. Issue 17's target, 100 kB, is the budget.
if [ $((wasm + glue)) -gt 100000 ]; then
  echo "the npm package is over its 100.00 kB (gzip -9) budget" >&2
  exit 1
fi
