#!/bin/sh
# Trunk's post-build hook (Trunk.toml): writes the screen's first frame into the built page, so
# that the title and the list are painted before the wasm has arrived (src/bin/prerender.rs).
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk build (it sets TRUNK_STAGING_DIR)}"
cd "$(dirname "$0")/.."
# For the host, so without the wasm's build options (scripts/build.sh), which would rebuild it.
env -u RUSTC_BOOTSTRAP -u CARGO_UNSTABLE_BUILD_STD -u CARGO_UNSTABLE_BUILD_STD_FEATURES \
  cargo run --quiet --features prerender --bin thryve-connect-prerender -- "$dir/index.html"
