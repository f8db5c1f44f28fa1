// Shortens the names the WebAssembly and its wasm-bindgen glue call each other by (a release
// build step, run by scripts/write-loader.sh before the glue is minified).
//
//   node scripts/minify-wasm-names.mjs <app_bg.wasm> <glue.js>
//
// wasm-bindgen names each import after what it calls plus a 16-digit hash
// (`__wbg_setAttribute_f75317b2b5cabfb4`), about 200 of them, in the wasm and again in the glue;
// hashes do not compress. Binaryen's `--minify-imports-and-exports-and-modules` pass renames the
// imports, the exports and the import module to one or two letters and prints the mapping; this
// script runs it (with Trunk's other wasm-opt options, `-Oz --enable-reference-types`) and
// renames the same names in the glue (and drops the glue's functions for imports the module no
// longer has). It fails, leaving both files as they were, when the glue does not have every
// name exactly where it expects it.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, renameSync, rmSync } from "node:fs";

const [wasmPath, gluePath] = process.argv.slice(2);
if (!wasmPath || !gluePath) {
  console.error("usage: node scripts/minify-wasm-names.mjs <app_bg.wasm> <glue.js>");
  process.exit(2);
}

const minified = `${wasmPath}.min`;
const fail = (problem) => {
  rmSync(minified, { force: true });
  console.error(`minify-wasm-names: ${problem}`);
  process.exit(1);
};

const printed = execFileSync(
  "wasm-opt",
  ["-Oz", "--enable-reference-types", "--minify-imports-and-exports-and-modules", wasmPath, "-o", minified],
  { encoding: "utf8" },
);
let mapping;
try {
  mapping = JSON.parse(printed);
} catch {
  fail("wasm-opt printed no JSON mapping of the names (binaryen 132, as scripts/setup.sh installs, does)");
}

// The minified module, as the browser will see it: which module its imports now come from.
const compiled = new WebAssembly.Module(readFileSync(minified));
const moduleNames = new Set(WebAssembly.Module.imports(compiled).map((i) => i.module));
const oldModules = new Set(mapping.imports.map(([module]) => module));
if (moduleNames.size !== 1 || oldModules.size !== 1) {
  fail(`expected the imports to come from one module, found ${[...oldModules]} -> ${[...moduleNames]}`);
}
const [oldModule] = oldModules;
const [newModule] = moduleNames;

let glue = readFileSync(gluePath, "utf8");
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Replaces what `pattern` matches, `count` times exactly (a function replacer: `$` in names stays). */
function rename(pattern, replacement, count, what) {
  let found = 0;
  glue = glue.replace(pattern, (...match) => {
    found++;
    return replacement(...match);
  });
  if (found !== count) fail(`${what}: expected ${count} in the glue, found ${found}`);
}

// The import object's functions for imports the module no longer has (the -Oz pass drops the
// functions nothing reaches, and with them the imports only they called: after
// scripts/drop-wasm-classes.mjs, those of the removed classes) leave it.
const imported = new Set(mapping.imports.map(([, name]) => name));
const objectStart = glue.indexOf("\n    const import0 = {\n");
const objectEnd = glue.indexOf("\n    };\n", objectStart);
if (objectStart < 0 || objectEnd < 0) fail("the glue's import object (`const import0 = {`) is not where expected");
const entries = glue
  .slice(objectStart, objectEnd + 1)
  .replace(/^ {8}([\w$]+): function\([^)]*\) \{\n[\s\S]*?^ {8}\},\n/gm, (entry, name) => (imported.has(name) ? entry : ""));
glue = glue.slice(0, objectStart) + entries + glue.slice(objectEnd + 1);

// The import object's keys (`__wbg_…: function(…)`), once each.
for (const [, name, short] of mapping.imports) {
  rename(new RegExp(`(?<=[\\s{,])${escape(name)}(?=:)`, "g"), () => short, 1, `import ${name}`);
}
// The module's name, the key of the import object.
rename(new RegExp(`"${escape(oldModule)}"(?=\\s*:)`, "g"), () => JSON.stringify(newModule), 1, `module ${oldModule}`);
// The exports, wherever the glue calls them (`wasm.mountElement(…)`): any number of times, since
// the glue may leave out what nothing calls (the check below finds any it missed).
for (const [name, short] of mapping.exports) {
  glue = glue.replace(new RegExp(`(?<=\\bwasm\\.)${escape(name)}(?![\\w$])`, "g"), () => short);
}
// Checked against the minified module itself: everything the glue calls is one of its exports,
// and it gives every import it asks for.
const exported = new Set(WebAssembly.Module.exports(compiled).map((e) => e.name));
for (const [, name] of glue.matchAll(/\bwasm\.([\w$]+)/g)) {
  if (!exported.has(name)) fail(`the glue calls wasm.${name}, which the module does not export`);
}
for (const { module, name } of WebAssembly.Module.imports(compiled)) {
  if (module !== newModule || !new RegExp(`(?<=[\\s{,])${escape(name)}(?=:)`).test(glue)) {
    fail(`the glue does not give the import ${module}.${name}`);
  }
}

writeFileSync(`${gluePath}.tmp`, glue);
renameSync(minified, wasmPath);
renameSync(`${gluePath}.tmp`, gluePath);
console.log(`minify-wasm-names: ${mapping.imports.length} imports and ${mapping.exports.length} exports renamed`);

