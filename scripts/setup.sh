#!/usr/bin/env bash
# Installs what building, running and testing thryve-connect needs, skipping what is present.
#
#   scripts/setup.sh build   Rust wasm target, trunk, wasm-bindgen-cli, wasm-opt, brotli
#   scripts/setup.sh test    the above, plus Chromium + ChromeDriver and the e2e npm packages
#
# Needs only the package registries (crates.io, npm, Debian); trunk then runs with --offline.
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-build}
TRUNK_VERSION=0.21.14 # 0.22 needs rustc 1.96 or newer

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then
    say "apt-get update"
    as_root apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Rust's WebAssembly target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Trunk, pinned.
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (a few minutes)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (a few minutes)"
  # Not --locked: one of its locked dependencies is yanked.
  cargo install --force "wasm-bindgen-cli@$bindgen_version"
fi

# wasm-opt from npm's binaryen (Debian's is too old for current wasm features).
opt_version=$(wasm-opt --version 2>/dev/null | grep -o 'version_[0-9]*' | tr -dc '0-9' || true)
if [ -z "$opt_version" ] || [ "$opt_version" -lt 116 ]; then
  say "installing wasm-opt (npm binaryen)"
  as_root npm install -g --no-audit --no-fund binaryen >/dev/null
fi

# brotli, to precompress the release build.
command -v brotli >/dev/null || apt_install brotli

if [ "$want" = test ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver
  fi
  if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/axe-core ]; then
    say "installing the e2e packages (playwright-core, axe-core)"
    (cd e2e && npm ci --no-audit --no-fund >/dev/null)
  fi
fi
say "ready"
