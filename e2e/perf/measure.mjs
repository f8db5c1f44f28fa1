// Measures the first load of the same screen in four pages, side by side in one run, on two
// network profiles with a 4x slower CPU, cold cache, median of runs:
//   - painted: the list's first row is in a frame (the browser paints right after it),
//   - usable: "Connect Fitbit" is enabled (the session is there and the click works),
//   - bytes downloaded (as sent, compressed),
//   - click to navigation: from a click on Connect until the browser starts loading Thryve's page.
//
//   node perf/measure.mjs [runs]      (from e2e/, after scripts/build.sh; MEASURE_ONLY=/,/react.html
//                                     measures only those paths; MEASURE_CHROMIUM_ARGS adds
//                                     Chromium flags, such as
//                                     "--js-flags=--no-wasm-lazy-compilation")
//
// Pages: the standalone app, the app without its pre-rendered first frame, the app without the
// loader's early session request (a page with other settings, so without the frame too), the same
// screen in React (perf/react, built with esbuild; installed and built here when missing), and a
// plain-JavaScript floor (perf/floor.*) that shows the same list with the same styles.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { startServer, launch } from "../tests/harness.js";
import { CPU_SLOWDOWN, PROFILES, VARIANT_PAGES } from "./pages.mjs";

const RUNS = Number(process.argv[2] ?? 5);

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
  pages: VARIANT_PAGES,
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

async function measure(browser, path, network) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // When the list's first row is in a frame: timed in the page, from the start of navigation.
  await page.addInitScript(() => {
    const seen = () => {
      if (!document.querySelector(".tc-source")) return false;
      requestAnimationFrame(() => (window.__listPainted ??= performance.now()));
      return true;
    };
    new MutationObserver((_, observer) => seen() && observer.disconnect()).observe(document, { childList: true, subtree: true });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", network);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
  await page.goto(`${server.url}${path}`, { waitUntil: "commit" });
  const usable = await page.waitForFunction(
    () => {
      const button = document.querySelector('button[aria-label="Connect Fitbit"]');
      return button && !button.disabled && performance.now();
    },
    null,
    { polling: "raf", timeout: 60_000 },
  );
  const result = { usable: Math.round(await usable.jsonValue()) };
  await page.waitForTimeout(200);
  result.painted = Math.round(await page.evaluate(() => window.__listPainted));
  // When the WebAssembly had arrived (our pages): what comes after it is compile, start and mount.
  result.wasm = await page.evaluate(() => {
    const entry = performance.getEntriesByType("resource").find((e) => e.name.endsWith(".wasm"));
    return entry && Math.round(entry.responseEnd);
  });
  result.bytes = bytes;
  // A click on Connect until the browser starts navigating to Thryve's page (the sandbox's): the
  // click time goes through `window.name`, which the same-tab navigation keeps.
  await page.evaluate(() =>
    document.addEventListener("click", () => (window.name = String(performance.timeOrigin + performance.now())), { capture: true }),
  );
  await Promise.all([
    page.waitForURL(/dataSourceDirectConnection\.html/, { waitUntil: "commit" }),
    page.locator('button[aria-label="Connect Fitbit"]').click(),
  ]);
  result.click = Math.round(await page.evaluate(() => performance.timeOrigin - Number(window.name)));
  await context.close();
  return result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ALL_PAGES = [
  ["thryve-connect", "/"],
  ["thryve-connect without the pre-rendered first frame", "/no-frame.html"],
  ["thryve-connect embedded by one script tag (no preloads, no frame)", "/embedded.html"],
  ["thryve-connect without early session request (nor first frame)", "/no-prefetch.html"],
  ["React 19 (esbuild, minified)", "/react.html"],
  ["plain-JavaScript floor", "/floor.html"],
  // Only when named in MEASURE_ONLY:
  ["thryve-connect, 16 sources, no frame", "/all-sources.html", "optional"],
  ["thryve-connect, 3 sources, no frame", "/three-sources.html", "optional"],
];
// MEASURE_ONLY=/,/embedded.html measures only those paths (the ratios need React and the floor).
const only = process.env.MEASURE_ONLY?.split(",");
const PAGES = ALL_PAGES.filter(([, path, optional]) => (only ? only.includes(path) : !optional));
const browser = await launch(process.env.MEASURE_CHROMIUM_ARGS?.split(" ").filter(Boolean));
const results = {};
for (const [profile, network] of Object.entries(PROFILES)) {
  results[profile] = {};
  console.log(`\n${profile} (${network.latency} ms RTT, ${((network.downloadThroughput * 8) / 1e6).toFixed(2)} Mbit/s down, CPU ${CPU_SLOWDOWN}x slower), median of ${RUNS}:`);
  // The pages take turns, so that a noisy moment on the machine spreads over all of them.
  const runs = Object.fromEntries(PAGES.map(([name]) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, path] of PAGES) runs[name].push(await measure(browser, path, network));
  }
  for (const [name] of PAGES) {
    const r = runs[name];
    const row = { paintedMs: median(r.map((x) => x.painted)), usableMs: median(r.map((x) => x.usable)), bytes: median(r.map((x) => x.bytes)) };
    results[profile][name] = row;
    row.clickMs = median(r.map((x) => x.click));
    const wasm = r[0].wasm === undefined ? "" : `, wasm arrived ${median(r.map((x) => x.wasm))} ms`;
    console.log(`  ${name}: list painted ${row.paintedMs} ms, Connect usable ${row.usableMs} ms (${r.map((x) => x.usable).join(", ")})${wasm}, click to navigation ${row.clickMs} ms, ${row.bytes} bytes`);
  }
  const ours = results[profile]["thryve-connect"];
  const react = results[profile]["React 19 (esbuild, minified)"];
  const floor = results[profile]["plain-JavaScript floor"];
  if (ours && react && floor) {
    console.log(`  usable vs React ${(ours.usableMs / react.usableMs).toFixed(2)}x, painted vs floor ${(ours.paintedMs / floor.paintedMs).toFixed(2)}x`);
  }
}
await browser.close();
await server.stop();
console.log(JSON.stringify(results));
