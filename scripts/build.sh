#!/usr/bin/env bash
# Builds the release frontend into dist/ (Trunk, wasm-opt -Oz) and precompresses it for the server.
# Prints what the first load downloads, compressed.
set -euo pipefail
cd "$(dirname "$0")/.."

trunk build --release --offline "$@"

for file in dist/*.wasm dist/*.js dist/*.css dist/*.txt; do
  gzip -9 -k -f "$file"
  brotli -q 11 -k -f "$file"
done

echo "First load (bytes: raw / gzip / brotli):"
for file in dist/index.html dist/*.wasm dist/*.js dist/*.css; do
  raw=$(stat -c %s "$file")
  gz=$( [ -f "$file.gz" ] && stat -c %s "$file.gz" || gzip -9 -c "$file" | wc -c)
  br=$( [ -f "$file.br" ] && stat -c %s "$file.br" || echo "-")
  printf '  %-48s %8s %8s %8s\n' "${file#dist/}" "$raw" "$gz" "$br"
done
echo "A language's messages besides English (one, fetched beside the wasm; bytes: raw / gzip / brotli):"
for file in dist/*.txt; do
  printf '  %-48s %8s %8s %8s\n' "${file#dist/}" "$(stat -c %s "$file")" "$(stat -c %s "$file.gz")" "$(stat -c %s "$file.br")"
done
