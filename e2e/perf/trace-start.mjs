// The wasm code a page's start runs before "Connect Fitbit" is usable, from V8's trace events:
// V8 compiles each wasm function at its first call (lazy compilation), and reports each such
// compile with the function's body size. Used by perf/start-code.mjs and the start-code budget
// test (tests/start-code.chromium.test.js). Chromium only (its tracing).

const CATEGORIES = ["v8.wasm", "disabled-by-default-v8.wasm.detailed"];

/**
 * Loads `url` in `page` (set up by the caller: throttling, network) while tracing, until Connect
 * is usable. Returns the functions compiled at their first call, their body bytes, Liftoff's
 * time for them and the whole lazy compile's time (ms), and when Connect was usable (ms, traced).
 */
export async function startCode(page, url) {
  const browser = page.context().browser();
  await browser.startTracing(page, { categories: CATEGORIES });
  await page.goto(url);
  await page.locator('button[aria-label="Connect Fitbit"]:enabled').waitFor({ timeout: 60_000 });
  const usableMs = await page.evaluate(() => performance.now());
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString());
  const events = (name) => traceEvents.filter((e) => e.name === name);
  const ms = (list) => list.reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000;
  const baseline = events("wasm.CompileBaseline");
  if (baseline.length === 0) {
    throw new Error(`${url}: no wasm.CompileBaseline trace events (did this Chromium rename them, or compile eagerly?)`);
  }
  return {
    functions: baseline.length,
    bytes: baseline.reduce((sum, e) => sum + (e.args?.bodySize ?? 0), 0),
    liftoffMs: ms(baseline),
    lazyMs: ms(events("wasm.CompileLazy")),
    usableMs,
  };
}
