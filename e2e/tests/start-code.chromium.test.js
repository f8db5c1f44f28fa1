// Chromium only (why: it reads V8's trace events). A budget on the WebAssembly code the
// standalone page runs before Connect is usable: V8 compiles each wasm function at its first
// call, on the main thread, after the download, so this code is what a start costs between the
// wasm's arrival and a usable Connect (README "Speed and size"). Unlike a timing, the count is
// the same in every run of a build (perf/start-code.mjs prints it with its times).
import { test } from "node:test";
import assert from "node:assert/strict";
import { screens } from "./harness.js";
import { startCode } from "../perf/trace-start.mjs";

const withScreen = screens();

// Measured 176 538 bytes in 809 functions (185 289 in 847 before the views did without type
// erasure, Either instead of AnyView, and the standard library was built for size; 198 938 in
// 921 before the wasm-streams classes were linked out, the screen's plain state was in one arena
// item, fetch went without gloo-net and there were fewer signal, memo and effect types; 205 250
// to 205 517 in 933 before the source-ID maps were sorted vectors, the error messages did
// without Debug formatting and the settings' choices had one lookup; 219 032 in 939 before the
// wasm had its own standard library and panics that abort at once); a session 1.5 s late adds
// 3 functions, a status 1.5 s late takes about 40 away (its answer is then handled after
// Connect is usable). Raise it only on purpose, with the reason in the commit message.
const START_CODE_BUDGET = 182_000;

test("the page's start runs no more wasm code than its budget before Connect is usable", (t) =>
  withScreen({}, async ({ server, page }) => {
    const start = await startCode(page, `${server.url}/`);
    const what = `${start.bytes} bytes of code in ${start.functions} functions compiled at their first call`;
    t.diagnostic(what);
    assert.ok(start.bytes <= START_CODE_BUDGET, `${what}: over the budget of ${START_CODE_BUDGET}`);
  }));
