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

# The names, and the comments out: 40 % of the file, a third of its gzip bytes
# (web/thryve-connect.js keeps them). Only whole-line comments go (`// …` lines, and `/* … */`
# blocks that start a line and end one); a line that mixes a block comment with code fails the
# build rather than being guessed at. The loader has no multi-line template literals, whose
# lines could look like comments.
sed -e "s/__TC_GLUE__/$glue/" -e "s/__TC_WASM__/$wasm/" -e "s/__TC_CSS__/$css/" \
  -e "s/__TC_TABLES__/$hash/" "$loader" > "$loader.named"
awk '
  function mixed() { printf "write-loader: line %d mixes a comment with code: %s\n", NR, $0 > "/dev/stderr"; bad = 1 }
  in_block {
    if ($0 ~ /\*\//) { in_block = 0; if ($0 !~ /\*\/[ \t]*$/) mixed() }
    next
  }
  /^[ \t]*\/\*/ {
    if ($0 !~ /\*\//) in_block = 1
    else if ($0 !~ /\*\/[ \t]*$/) mixed()
    next
  }
  /^[ \t]*\/\// { next }
  { print }
  END { if (in_block) { print "write-loader: an unclosed block comment" > "/dev/stderr"; bad = 1 } exit bad }
' "$loader.named" > "$loader.tmp"
rm "$loader.named"
mv "$loader.tmp" "$loader"
if grep -q "__TC_" "$loader"; then
  echo "write-loader: a placeholder is left in $loader" >&2
  exit 1
fi
