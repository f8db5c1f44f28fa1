#!/usr/bin/env bash
# Installs what building, running and testing thryve-connect needs, skipping what is present.
#
#   scripts/setup.sh build   Rust's wasm target and standard library source, trunk,
#                            wasm-bindgen-cli, wasm-opt, brotli, and esbuild (pinned in
#                            scripts/package-lock.json) to minify the JS
#   scripts/setup.sh test    the above, plus the e2e engines: Chromium + ChromeDriver, Firefox ESR,
#                            WebKitGTK (MiniBrowser, WebKitWebDriver) + Xvfb, and the e2e npm
#                            packages (pinned in e2e/package-lock.json), and the single-page
#                            example's packages (React, esbuild, TypeScript; examples/spa-host)
#
# Needs only the package registries (Rust crates, npm, Debian); trunk then runs with --offline.
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

# The standard library's source: the release build compiles its own (scripts/build.sh).
if ! rustup component list --installed | grep -q '^rust-src'; then
  say "adding the rust-src component"
  rustup component add rust-src
fi

# Trunk, pinned.
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (a few minutes)"
  # Without trunk's own fat LTO and single codegen unit: about 100 s less on two cores, and
  # trunk's speed does not matter (it spends its time waiting for cargo and wasm-opt).
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --locked "trunk@$TRUNK_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (a few minutes)"
  # Not --locked: one of its locked dependencies is yanked.
  cargo install --force "wasm-bindgen-cli@$bindgen_version"
fi

# wasm-opt from npm's binaryen, pinned (Debian's is too old): the release build also uses its
# mapping of shortened import and export names (scripts/minify-wasm-names.mjs), and the same
# version gives the same bytes.
BINARYEN_VERSION=132
if [ "$(wasm-opt --version 2>/dev/null | grep -o 'version_[0-9]*' | tr -dc '0-9' || true)" != "$BINARYEN_VERSION" ]; then
  say "installing wasm-opt (npm binaryen $BINARYEN_VERSION)"
  as_root npm install -g --no-audit --no-fund "binaryen@$BINARYEN_VERSION.0.0" >/dev/null
fi

# brotli, to precompress the release build.
command -v brotli >/dev/null || apt_install brotli

npm_dirs=(scripts)

if [ "$want" = test ]; then
  # The three engines of the end-to-end tests, from Debian: what is missing, in one install.
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  [ -x /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser ] || missing+=(libwebkit2gtk-4.1-0)
  command -v Xvfb >/dev/null || missing+=(xvfb)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
  npm_dirs+=(e2e examples/spa-host)
fi

# The npm packages, exactly as pinned (npm ci installs the lock file's tree): the build's JS
# minifier (scripts/), and for the tests the e2e drivers and the single-page example's packages.
for dir in "${npm_dirs[@]}"; do
  if ! (cd "$dir" && node -e '
    const fs = require("fs");
    const { dependencies = {}, devDependencies = {} } = require("./package.json");
    for (const [name, version] of Object.entries({ ...dependencies, ...devDependencies })) {
      const file = `node_modules/${name}/package.json`;
      if (!fs.existsSync(file) || JSON.parse(fs.readFileSync(file, "utf8")).version !== version) process.exit(1);
    }'); then
    say "installing the npm packages of $dir"
    (cd "$dir" && npm ci --no-audit --no-fund >/dev/null)
  fi
done
say "ready"
