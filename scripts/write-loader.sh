#!/bin/sh
# Trunk's post-build hook (Trunk.toml): writes the hashed file names of this build into the
# loader, thryve-connect.js, so that a host page needs only that one unhashed file.
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk build (it sets TRUNK_STAGING_DIR)}"
loader="$dir/thryve-connect.js"
[ -f "$loader" ] || { echo "write-loader: $loader is missing (copy-file web/thryve-connect.js)" >&2; exit 1; }

# The one file matching a pattern in the build, by name.
only() {
  found=$(cd "$dir" && ls -1 | grep -E "$1" || true)
  count=$(printf '%s' "$found" | grep -c . || true)
  if [ "$count" -ne 1 ]; then
    echo "write-loader: expected one file matching $1, found: ${found:-none}" >&2
    exit 1
  fi
  printf '%s' "$found"
}

glue=$(only '^thryve-connect-app-[0-9a-f]+\.js$')
wasm=$(only '^thryve-connect-app-[0-9a-f]+_bg\.wasm$')
css=$(only '^thryve-connect-[0-9a-f]+\.css$')

# The message tables besides English (the app carries English), copied with one hash of all
# their texts in their names, like Trunk's files, so that they may be cached for good. The loader
# fetches the one a screen shows, beside the wasm.
tables="$(dirname "$0")/../protocol/locales"
hash=$(cat "$tables"/*.txt | sha256sum | cut -c1-16)
for table in "$tables"/*.txt; do
  code=$(basename "$table" .txt)
  [ "$code" = en ] || cp "$table" "$dir/thryve-connect-$code-$hash.txt"
done

# A release build shortens the names the wasm and the glue call each other by (wasm 159.2 ->
# 155.2 KB gzip; scripts/minify-wasm-names.mjs), and minifies the loader and the glue (gzip:
# loader 3.9 -> 2.2 KB, glue 10.3 -> 5.0 KB with the short names). Trunk's own JS minifier cannot
# read the glue and leaves it as it is. Both stay ES modules: their exports keep their names.
if [ "${TRUNK_PROFILE:-}" = release ]; then
  esbuild="$(dirname "$0")/node_modules/.bin/esbuild"
  [ -x "$esbuild" ] || { echo "write-loader: $esbuild is missing (scripts/setup.sh installs it)" >&2; exit 1; }
  minify() {
    "$esbuild" "$1" --minify --format=esm --log-level=warning --outfile="$1.min"
    mv "$1.min" "$1"
  }
  # The classes scripts/build.sh linked out of the wasm (wasm-streams', linked by Leptos for
  # server functions; scripts/wasm-link.sh), out of the glue too: glue 0.2 KB less gzip.
  classes="${WASM_LINK_DROP_CLASSES:?a release is built by scripts/build.sh (it links the wasm)}"
  # shellcheck disable=SC2086 # one argument per class
  node "$(dirname "$0")/drop-wasm-classes.mjs" "$dir/$wasm" "$dir/$glue" $classes
  node "$(dirname "$0")/minify-wasm-names.mjs" "$dir/$wasm" "$dir/$glue"
  minify "$dir/$glue"
  # Trunk's hash in their names is of what wasm-bindgen wrote, which the short names changed: the
  # pair gets a hash of what it holds now, so that two builds never give one name to different
  # files (they are cached for good, and a glue only works with its own wasm).
  old="${glue%.js}"
  new="thryve-connect-app-$(cat "$dir/$wasm" "$dir/$glue" | sha256sum | cut -c1-16)"
  mv "$dir/$glue" "$dir/$new.js"
  mv "$dir/$wasm" "$dir/${new}_bg.wasm"
  for page in "$dir"/*.html; do
    sed "s/$old/$new/g" "$page" > "$page.tmp"
    mv "$page.tmp" "$page"
  done
  glue="$new.js"
  wasm="${new}_bg.wasm"
fi

sed -e "s/__TC_GLUE__/$glue/" -e "s/__TC_WASM__/$wasm/" -e "s/__TC_CSS__/$css/" \
  -e "s/__TC_TABLES__/$hash/" "$loader" > "$loader.tmp"
mv "$loader.tmp" "$loader"
if [ "${TRUNK_PROFILE:-}" = release ]; then
  minify "$loader"
fi
if grep -q "__TC_" "$loader"; then
  echo "write-loader: a placeholder is left in $loader" >&2
  exit 1
fi
