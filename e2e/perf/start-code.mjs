// How much of the WebAssembly the screen's start runs, as Chromium sees it: V8 compiles each wasm
// function at its first call (lazy compilation), on the main thread, after the last byte has
// arrived, so the code a start touches is a cost paid between the wasm's arrival and a usable
// Connect. Counted from V8's trace events until "Connect Fitbit" is enabled, on Lighthouse's mobile
// profile (the network and the 4x slower CPU of measure.mjs):
//   - functions compiled at their first call, and their body bytes (deterministic for a build),
//   - Liftoff's time for them, and the whole lazy compile's time (with V8's per-function work),
//   - Connect usable (tracing slows the page: compare it only between builds, never with measure.mjs).
//
//   node perf/start-code.mjs [runs] [path ...]     (from e2e/, after scripts/build.sh; default: 3 /;
//                                                   the paths of measure.mjs's pages are served)
import { startServer, launch } from "../tests/harness.js";
import { CPU_SLOWDOWN, PROFILES, VARIANT_PAGES } from "./pages.mjs";
import { startCode } from "./trace-start.mjs";

const RUNS = Number(process.argv[2] ?? 3);
const PATHS = process.argv.length > 3 ? process.argv.slice(3) : ["/"];

const server = await startServer({ pages: VARIANT_PAGES });
const browser = await launch();

async function trace(path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", PROFILES["Lighthouse mobile"]);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  try {
    return await startCode(page, `${server.url}${path}`);
  } finally {
    await context.close();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const path of PATHS) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await trace(path));
  const m = (key) => Math.round(median(runs.map((r) => r[key])));
  console.log(
    `${path}: ${m("functions")} functions compiled at first call (${runs.map((r) => r.functions).join(", ")}), ` +
      `${m("bytes")} bytes of code; Liftoff ${m("liftoffMs")} ms, lazy compile in all ${m("lazyMs")} ms; ` +
      `Connect usable ${m("usableMs")} ms (traced)`,
  );
}
await browser.close();
await server.stop();
