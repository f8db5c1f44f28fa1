// Cuts exported classes that nothing uses out of the WebAssembly and its wasm-bindgen glue (a
// release build step, run by scripts/write-loader.sh before the names are shortened).
//
//   node scripts/drop-wasm-classes.mjs <app_bg.wasm> <glue.js> <ClassName>...
//
// wasm-bindgen exports every `#[wasm_bindgen]` type of every crate linked, used or not, and the
// linker keeps what is exported. Leptos links `wasm-streams` (for server functions, which this
// screen has none of), so the build carries its three stream classes: the glue's classes and the
// wasm functions behind them. This removes each named class from the glue (its class, its
// FinalizationRegistry and its `Symbol.dispose` line) and the exports only that code called from
// the wasm; the next wasm-opt pass (scripts/minify-wasm-names.mjs) then drops the functions no
// export reaches any more. It fails, leaving both files as they were, when the glue does not have
// a class exactly where it expects it, or when the rest of the glue still uses what it removes.
import { readFileSync, writeFileSync, renameSync } from "node:fs";

const [wasmPath, gluePath, ...classes] = process.argv.slice(2);
if (!wasmPath || !gluePath || classes.length === 0) {
  console.error("usage: node scripts/drop-wasm-classes.mjs <app_bg.wasm> <glue.js> <ClassName>...");
  process.exit(2);
}
const fail = (problem) => {
  console.error(`drop-wasm-classes: ${problem}`);
  process.exit(1);
};

let glue = readFileSync(gluePath, "utf8");
const removed = [];
/** Removes what `pattern` matches, which must be exactly once. */
function cut(pattern, what) {
  const found = glue.match(new RegExp(pattern.source, "gm")) ?? [];
  if (found.length !== 1) fail(`${what}: expected once in the glue, found ${found.length} times`);
  removed.push(found[0]);
  glue = glue.replace(new RegExp(pattern.source, "m"), "");
}
for (const name of classes) {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) fail(`${name} is not a class name`);
  // `export class Name {` up to the first `}` alone at the start of a line: its end.
  cut(new RegExp(`^export class ${name} \\{\\n[\\s\\S]*?^\\}\\n`), `class ${name}`);
  cut(new RegExp(`^if \\(Symbol\\.dispose\\) ${name}\\.prototype\\[Symbol\\.dispose\\] = .*\\n`), `${name}'s dispose`);
  cut(new RegExp(`^const ${name}Finalization = [\\s\\S]*?\\);\\n`), `${name}'s FinalizationRegistry`);
  if (new RegExp(`\\b${name}\\b`).test(glue)) fail(`the rest of the glue still uses ${name}`);
}

// The exports the removed code called, unless the rest of the glue calls them too.
const called = (text) => new Set([...text.matchAll(/\bwasm\.([\w$]+)/g)].map(([, name]) => name));
const stillCalled = called(glue);
const drop = [...called(removed.join(""))].filter((name) => !stillCalled.has(name));
if (drop.length === 0) fail(`the removed classes call no export`);

// The module's export section (id 7) without those exports; every other section as it was.
const wasm = readFileSync(wasmPath);
const readLeb = (at) => {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = wasm[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
};
const leb = (value) => {
  const bytes = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return Buffer.from(bytes);
};
const parts = [wasm.subarray(0, 8)];
const dropped = new Set();
for (let at = 8; at < wasm.length; ) {
  const id = wasm[at];
  const [size, body] = readLeb(at + 1);
  const end = body + size;
  if (id === 7) {
    let [count, entry] = readLeb(body);
    const kept = [];
    for (; count > 0; count--) {
      const start = entry;
      const [length, nameAt] = readLeb(entry);
      const name = wasm.subarray(nameAt, nameAt + length).toString("utf8");
      [, entry] = readLeb(nameAt + length + 1); // the kind's byte, then the index
      if (drop.includes(name)) dropped.add(name);
      else kept.push(wasm.subarray(start, entry));
    }
    const section = Buffer.concat([leb(kept.length), ...kept]);
    parts.push(Buffer.from([7]), leb(section.length), section);
  } else {
    parts.push(wasm.subarray(at, end));
  }
  at = end;
}
const missing = drop.filter((name) => !dropped.has(name));
if (missing.length) fail(`the module does not export ${missing.join(", ")}`);

const stripped = Buffer.concat(parts);
const compiled = new WebAssembly.Module(stripped); // still a valid module
const exported = new Set(WebAssembly.Module.exports(compiled).map((e) => e.name));
for (const name of stillCalled) {
  if (!exported.has(name)) fail(`the glue calls wasm.${name}, which the module does not export`);
}
writeFileSync(`${wasmPath}.tmp`, stripped);
writeFileSync(`${gluePath}.tmp`, glue);
renameSync(`${wasmPath}.tmp`, wasmPath);
renameSync(`${gluePath}.tmp`, gluePath);
console.log(`drop-wasm-classes: ${classes.join(", ")} and ${dropped.size} exports removed`);
