// Cuts the shells of classes the linker left out of the WebAssembly from its wasm-bindgen glue
// (a release build step, run by scripts/write-loader.sh before the names are shortened).
//
//   node scripts/drop-wasm-classes.mjs <app_bg.wasm> <glue.js> <ClassName>...
//
// wasm-bindgen exports every `#[wasm_bindgen]` type of every crate linked, used or not. Leptos
// links `wasm-streams` (for server functions, which this screen has none of); the release build
// links the wasm without its three stream classes' exports (scripts/wasm-link.sh), so their code
// is not in the wasm, but wasm-bindgen still writes a class for each into the glue, whose only
// call is to the missing `free` export. This removes each named class from the glue (its class,
// its FinalizationRegistry and its `Symbol.dispose` line). It fails, leaving the glue as it was,
// when the glue does not have a class exactly where it expects it, when the rest of the glue
// still uses it, when the wasm still exports what the class called (it was linked without
// scripts/wasm-link.sh), or when the glue calls an export the wasm does not have.
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

// What the removed classes called must be gone from the wasm (linked out), and everything the
// rest of the glue calls must be there.
const called = (text) => new Set([...text.matchAll(/\bwasm\.([\w$]+)/g)].map(([, name]) => name));
const stillCalled = called(glue);
const calledByRemoved = [...called(removed.join(""))].filter((name) => !stillCalled.has(name));
if (calledByRemoved.length === 0) fail(`the removed classes call no export`);
const compiled = new WebAssembly.Module(readFileSync(wasmPath));
const exported = new Set(WebAssembly.Module.exports(compiled).map((e) => e.name));
const kept = calledByRemoved.filter((name) => exported.has(name));
if (kept.length) {
  fail(`the wasm still exports ${kept.join(", ")}: link it with scripts/wasm-link.sh (scripts/build.sh does)`);
}
for (const name of stillCalled) {
  if (!exported.has(name)) fail(`the glue calls wasm.${name}, which the module does not export`);
}
writeFileSync(`${gluePath}.tmp`, glue);
renameSync(`${gluePath}.tmp`, gluePath);
console.log(`drop-wasm-classes: ${classes.join(", ")} cut out of the glue`);
