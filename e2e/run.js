// Runs the end-to-end tests engine by engine (Chromium, Firefox, WebKit), two test files at a
// time within an engine, and prints one line per engine:
//
//   e2e chromium: 29 passed, 0 failed
//
// Fails when any engine fails, cannot start, or runs no test.
//
//   node run.js                       every engine
//   node run.js --engine firefox      one engine (repeat, or comma-separate, for more)
//   E2E_ENGINES=firefox,webkit node run.js
//   node run.js --engine webkit -- --test-name-pattern=Back     extra options for node --test
//
// Chromium runs the shared flows (tests/*.flows.test.js) and the Chromium-only tests
// (tests/*.chromium.test.js); Firefox and WebKit run the shared flows.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { ENGINES } from "./engines/index.js";

const args = process.argv.slice(2);
const passThrough = args.includes("--") ? args.splice(args.indexOf("--")).slice(1) : [];
const chosen = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--engine") chosen.push(...(args[++i] ?? "").split(","));
  else if (args[i].startsWith("--engine=")) chosen.push(...args[i].slice(9).split(","));
  else passThrough.push(args[i]);
}
if (!chosen.length && process.env.E2E_ENGINES) chosen.push(...process.env.E2E_ENGINES.split(","));
const engines = chosen.length ? chosen.map((e) => e.trim()).filter(Boolean) : ENGINES;
for (const engine of engines) {
  if (!ENGINES.includes(engine)) {
    console.error(`unknown engine "${engine}" (known: ${ENGINES.join(", ")})`);
    process.exit(2);
  }
}

// The longest one engine may take before it is stopped and counted as failed.
const ENGINE_LIMIT_MS = Number(process.env.E2E_ENGINE_TIMEOUT_MS ?? 20 * 60_000);
const files = readdirSync("tests").sort();

function runEngine(engine) {
  const chosenFiles = files
    .filter((f) => f.endsWith(".flows.test.js") || (engine === "chromium" && f.endsWith(".chromium.test.js")))
    .map((f) => `tests/${f}`);
  const child = spawn(
    process.execPath,
    ["--test", "--test-concurrency=2", "--test-force-exit", "--test-reporter=spec", ...passThrough, ...chosenFiles],
    { env: { ...process.env, E2E_ENGINE: engine }, stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
    process.stdout.write(d);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    console.error(`e2e ${engine}: still running after ${ENGINE_LIMIT_MS / 60_000} minutes; stopping it`);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, ENGINE_LIMIT_MS);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      const count = (what) => {
        const m = out.match(new RegExp(`^[ℹ#] ${what} (\\d+)$`, "m"));
        return m ? Number(m[1]) : 0;
      };
      const passed = count("pass");
      const failed = count("fail") + count("cancelled");
      const skipped = count("skipped");
      const ok = code === 0 && !timedOut && failed === 0 && passed > 0;
      resolve({ engine, passed, failed: ok ? failed : Math.max(failed, 1), skipped, ok, code, timedOut });
    });
  });
}

const started = Date.now();
const results = [];
for (const engine of engines) {
  const t0 = Date.now();
  console.log(`\n# e2e: ${engine}`);
  const result = await runEngine(engine);
  result.seconds = Math.round((Date.now() - t0) / 1000);
  results.push(result);
}
console.log(`\n# e2e took ${Math.round((Date.now() - started) / 1000)} s (${results.map((r) => `${r.engine} ${r.seconds} s`).join(", ")})`);
for (const r of results) {
  const why = r.ok ? "" : r.timedOut ? " (stopped: too slow)" : r.passed === 0 ? " (ran no test)" : r.code !== 0 && r.failed === 0 ? ` (exit ${r.code})` : "";
  console.log(`e2e ${r.engine}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ""}${why}`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
