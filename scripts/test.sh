#!/usr/bin/env bash
# Runs every check and test: formatting, lints (host and wasm32), host unit and integration
# tests (with server-side rendering and the page's pre-rendered first frame), the JS API's types (tsc) and the single-page example's
# build, browser tests in headless Chromium, the example app's build, the release build with its
# size budget, and the end-to-end tests through the sandbox server in Chromium, Firefox and WebKit
# (one line per engine at the end: "e2e chromium: N passed, N failed"; E2E_ENGINES=firefox to run
# one engine).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "setup"
scripts/setup.sh test

step "format"
cargo fmt --all -- --check

step "lint (host)"
cargo clippy --workspace --all-targets -- -D warnings
# The build step that writes the screen's first frame into the page (server-side rendering).
cargo clippy -p thryve-connect --features prerender --bin thryve-connect-prerender --test ssr -- -D warnings
step "lint (wasm32)"
cargo clippy --target wasm32-unknown-unknown -p thryve-connect --features csr --lib --tests -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p thryve-connect-protocol --lib --tests -- -D warnings
# Apart: together their features would unify, and the app's build without bundled-languages
# would not be linted.
cargo clippy --target wasm32-unknown-unknown -p thryve-connect-app --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p leptos-app-example --all-targets -- -D warnings
# A Leptos host that hydrates server-rendered HTML builds the library with `hydrate`.
cargo clippy --target wasm32-unknown-unknown -p thryve-connect --features hydrate --lib --tests -- -D warnings

step "host tests (pure rules, server, server-side rendering)"
cargo test --workspace
cargo test -p thryve-connect --features prerender --test ssr --bin thryve-connect-prerender
# The standalone build's languages: English compiled in, the others added at run time.
cargo test -p thryve-connect --no-default-features --lib -- i18n::tests::without_bundled_languages i18n::tests::a_

step "JS API types and the single-page example (tsc, esbuild)"
(cd examples/spa-host && npm run check && npm run build)

step "browser tests (wasm-bindgen-test, headless Chromium)"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-300}
cargo test --target wasm32-unknown-unknown -p thryve-connect --features csr --test web
# Again with Leptos' event delegation, which a host app may turn on for the whole build: the
# handlers then run from one listener on the window (the search's Clear relies on the event's
# target, not its current target).
cargo test --target wasm32-unknown-unknown -p thryve-connect --features csr,leptos/delegation --test web
# URLs through the browser's own parser: the same cases as on the host (protocol/src/address.rs).
cargo test --target wasm32-unknown-unknown -p thryve-connect-protocol --lib
# The server's HTML (tests/fixtures/ssr-screen.html, checked by tests/ssr.rs) hydrated.
cargo test --target wasm32-unknown-unknown -p thryve-connect --features hydrate --test hydrate
step "example Leptos app (builds and runs in the browser)"
cargo test --target wasm32-unknown-unknown -p leptos-app-example

step "release build"
scripts/build.sh
scripts/size-budget.sh
scripts/build.sh --dist examples/static-host/dist examples/static-host/index.html

step "end-to-end tests (release build, sandbox server; Chromium, Firefox, WebKit)"
cargo build -p thryve-connect-server
(cd e2e && SERVER_BIN=../target/debug/thryve-connect-server DIST_DIR=../dist npm test)

step "all tests passed"
