// Measures the first load: time until "Connect Fitbit" is enabled (usable), and the bytes
// downloaded, under DevTools' "Slow 4G" network and a 4x slower CPU, cold cache, median of runs.
//
//   node perf/measure.mjs [runs]      (from e2e/, after scripts/build.sh)
//
// Pages: the standalone app, the app without the loader's early session request, the same screen in
// React (perf/react, built with esbuild; installed and built here when missing), and a
// plain-JavaScript floor (perf/floor.*) that shows the same list with the same styles.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { startServer, launch } from "../tests/harness.js";

const RUNS = Number(process.argv[2] ?? 5);
// Chrome DevTools' "Slow 4G" preset (the former "Fast 3G"): 562.5 ms RTT, 1.44 Mbit/s down,
// 675 kbit/s up, each with DevTools' 0.9 factor.
const NETWORK = { offline: false, latency: 562.5, downloadThroughput: (1.44e6 / 8) * 0.9, uploadThroughput: (675e3 / 8) * 0.9 };
const CPU_SLOWDOWN = 4;

const dist = resolve(process.env.DIST_DIR ?? "../dist");
const css = (await readdir(dist)).find((f) => /^thryve-connect-.*\.css$/.test(f));
const here = new URL(".", import.meta.url).pathname;
const reactDir = join(here, "react");
if (!existsSync(join(reactDir, "dist/react-app.js"))) {
  execSync("npm install --no-audit --no-fund && npm run build", { cwd: reactDir, stdio: "inherit" });
}
const reactApp = await readFile(join(reactDir, "dist/react-app.js"));
const floorJs = await readFile(join(here, "floor.js"));
// Served like the product's files: with brotli and gzip twins.
const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
const floorHtml = (await readFile(join(here, "floor.html"), "utf8")).replace("/thryve-connect.css", `/${css}`);
const server = await startServer({
  pages: {
    "no-prefetch.html": { attributes: { "data-token-endpoint": "/api/connection-session", "data-heading-level": "1", "data-prefetch": "false" } },
  },
  // The floor page and its script, next to the build (the floor reuses the product's CSS).
  files: {
    "floor.html": floorHtml,
    "floor.js": floorJs,
    "floor.js.br": brotli(floorJs),
    "floor.js.gz": gzipSync(floorJs, { level: 9 }),
    "react.html": floorHtml.replace("/floor.js", "/react-app.js").replace("Plain-JavaScript floor", "React"),
    "react-app.js": reactApp,
    "react-app.js.br": brotli(reactApp),
    "react-app.js.gz": gzipSync(reactApp, { level: 9 }),
  },
});

async function measure(browser, path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", NETWORK);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
  const started = Date.now();
  await page.goto(`${server.url}${path}`, { waitUntil: "commit" });
  await page.waitForFunction(
    () => {
      const button = document.querySelector('button[aria-label="Connect Fitbit"]');
      return button && !button.disabled;
    },
    null,
    { polling: "raf", timeout: 60_000 },
  );
  const usable = Date.now() - started;
  await page.waitForTimeout(200);
  await context.close();
  return { usable, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browser = await launch();
const results = {};
for (const [name, path] of [
  ["thryve-connect", "/"],
  ["thryve-connect without early session request", "/no-prefetch.html"],
  ["React 19 (esbuild, minified)", "/react.html"],
  ["plain-JavaScript floor", "/floor.html"],
]) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, path));
  results[name] = { usableMs: median(runs.map((r) => r.usable)), bytes: median(runs.map((r) => r.bytes)), runs: runs.map((r) => r.usable) };
  console.log(`${name}: Connect usable after ${results[name].usableMs} ms (median of ${RUNS}: ${results[name].runs.join(", ")}), ${results[name].bytes} bytes downloaded`);
}
await browser.close();
await server.stop();
