#!/usr/bin/env bash
# Builds the release frontend into dist/ (Trunk, wasm-opt -Oz) and precompresses it for the server.
# Prints what the first load downloads, compressed. Arguments go to `trunk build`: another page
# into another folder is `scripts/build.sh --dist DIR PAGE.html`.
#
# The wasm is built with its own copy of Rust's standard library, compiled with this project's
# release profile (size first, LTO with the rest), in which a panic stops the wasm at once
# instead of formatting a message: about 17 KB less gzipped wasm (README, "Speed and size"), and
# with its `optimize_for_size` feature (algorithms picked for size, not speed: 0.7 KB less). A
# panic is a bug, and the wasm cannot go on after one either way; for its message and place in
# the console, build with PANIC_MESSAGES=1 (or use `trunk serve`). These need options that stable
# Rust keeps unstable (Cargo's build-std, `-Cpanic=immediate-abort`), allowed here by
# RUSTC_BOOTSTRAP for this build only, and the standard library's source (`rustup component add
# rust-src`; scripts/setup.sh). Checked with Rust 1.95.
set -euo pipefail
cd "$(dirname "$0")/.."

dist=dist
args=("$@")
for ((i = 0; i + 1 < ${#args[@]}; i++)); do
  if [ "${args[i]}" = --dist ]; then dist=${args[i + 1]}; fi
done

if [ "${PANIC_MESSAGES:-0}" != 1 ]; then
  # Only the wasm's build: scripts/prerender.sh builds for the host without them.
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  # The standard library's own size-first choices (smaller sorting, number formatting, ...).
  # This list replaces std's default features (unwinding, backtraces), which a wasm whose
  # panics abort does not use.
  export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
  # Trunk runs Cargo offline: the standard library's own crates (its lock file's, which a build
  # of this project alone never downloads) must be here first. Quick when they are.
  cargo fetch --quiet --locked --manifest-path "$(rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
fi
# This project's crates, for the same reason.
cargo fetch --quiet

# The wasm is linked without the exports of wasm-streams' three classes, which Leptos links for
# server functions this screen has none of, so the linker drops their code (scripts/wasm-link.sh;
# scripts/drop-wasm-classes.mjs then cuts their shells out of the glue).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$PWD/scripts/wasm-link.sh"
export WASM_LINK_DROP_CLASSES="IntoUnderlyingByteSource IntoUnderlyingSink IntoUnderlyingSource"

trunk build --release --offline "$@"

for file in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css "$dist"/*.txt; do
  gzip -9 -k -f "$file"
  brotli -q 11 -k -f "$file"
done

echo "First load (bytes: raw / gzip / brotli):"
for file in "$dist"/index.html "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  raw=$(stat -c %s "$file")
  gz=$( [ -f "$file.gz" ] && stat -c %s "$file.gz" || gzip -9 -c "$file" | wc -c)
  br=$( [ -f "$file.br" ] && stat -c %s "$file.br" || echo "-")
  printf '  %-48s %8s %8s %8s\n' "${file#"$dist"/}" "$raw" "$gz" "$br"
done
echo "A language's messages besides English (one, fetched beside the wasm; bytes: raw / gzip / brotli):"
for file in "$dist"/*.txt; do
  printf '  %-48s %8s %8s %8s\n' "${file#"$dist"/}" "$(stat -c %s "$file")" "$(stat -c %s "$file.gz")" "$(stat -c %s "$file.br")"
done
