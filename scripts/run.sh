#!/usr/bin/env bash
# Builds the app and starts the server in sandbox mode (an offline Thryve stand-in), or in live
# mode when THRYVE_* credentials are set (README, "Server settings"). Open the address it prints.
# Every setting is an environment variable (or a flag: target/release/thryve-connect-server --help).
# The sandbox listens on loopback only, unless THRYVE_MODE=sandbox says it is meant otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh build
scripts/build.sh
cargo build --release -p thryve-connect-server
export DIST_DIR=${DIST_DIR:-dist}
export LISTEN_ADDR=${LISTEN_ADDR:-127.0.0.1:3000}
exec target/release/thryve-connect-server
