#!/usr/bin/env bash
# The linker of the release wasm (scripts/build.sh sets it for the wasm32 target): Rust's own
# `rust-lld`, called with the arguments rustc gives it, less the exports of the classes named in
# WASM_LINK_DROP_CLASSES (space-separated, as wasm-bindgen spells them: `IntoUnderlyingSink`).
#
# Why: wasm-bindgen exports every `#[wasm_bindgen]` type of every crate linked, and rustc asks
# the linker to keep each such export. Leptos links `wasm-streams` for server functions (this
# screen has none), so three stream classes were exported, and with them their code and all it
# reaches (futures, the `std::io` error texts, ...). Without the exports the linker's garbage
# collection drops that code before anything else sees it: wasm 3.8 KB gzip less than cutting
# the exports after wasm-bindgen, where the function table still kept the code alive. The
# glue's empty shells of the classes are cut by scripts/drop-wasm-classes.mjs.
#
# Fails the link when a named class has no export to drop, so that a change in the dependencies
# is seen rather than silently undone.
set -euo pipefail

sysroot=$(rustc --print sysroot)
host=$(rustc -vV | sed -n 's/^host: //p')
lld="$sysroot/lib/rustlib/$host/bin/rust-lld"

if [ -z "${WASM_LINK_DROP_CLASSES:-}" ]; then
  exec "$lld" "$@"
fi

# wasm-bindgen's export names of a class: `__wbg_<class>_free_<hash>`, `<class>_<method>_<hash>`
# and `__wbindgen_describe_<class>_<method>_<hash>`, the class in lower case.
read -r -a classes <<< "$(printf '%s' "$WASM_LINK_DROP_CLASSES" | tr '[:upper:]' '[:lower:]')"
pattern=$(IFS='|'; printf '%s' "${classes[*]}")
pattern="^(__wbg_|__wbindgen_describe_)?($pattern)_"

kept=()
declare -A dropped=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  arg=${args[i]}
  name=""
  if [ "$arg" = --export ] && ((i + 1 < ${#args[@]})); then
    name=${args[i + 1]}
  elif [[ $arg == --export=* ]]; then
    name=${arg#--export=}
  fi
  if [ -n "$name" ] && [[ $name =~ $pattern ]]; then
    dropped[${BASH_REMATCH[2]}]=1
    [ "$arg" = --export ] && i=$((i + 1))
    continue
  fi
  kept+=("$arg")
done

for class in "${classes[@]}"; do
  if [ -z "${dropped[$class]:-}" ]; then
    echo "wasm-link: rustc asked for no export of the class $class; is it still linked?" >&2
    exit 1
  fi
done

exec "$lld" "${kept[@]}"
