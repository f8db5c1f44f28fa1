// Chromium only (why: layout shifts and paint timings come from Chromium's PerformanceObserver
// entry types `layout-shift` and `paint`; Firefox and WebKit do not report layout shifts).
// The first frame is in the built page (src/bin/prerender.rs): the title and the list are painted
// while the wasm is still on its way, and the app takes over without moving anything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { screens, ready } from "./harness.js";

const withScreen = screens();
const WASM_DELAY_MS = 2_000;

/** Records layout shifts (and when the wasm arrived) from the very start of every page. */
function recordShifts(page) {
  return page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) {
          window.__shifts.push({
            value: entry.value,
            at: entry.startTime,
            nodes: entry.sources?.map((s) => s.node?.className ?? s.node?.nodeName ?? "?"),
          });
        }
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
}

for (const [when, sessionDelay] of [
  ["the session arrives before the app", 0],
  ["the session arrives after the app", WASM_DELAY_MS + 1_500],
]) {
  test(`first paint before the wasm, no layout shift when the app takes over (${when})`, () =>
    withScreen({}, { viewport: { width: 390, height: 844 } }, async ({ server, page }) => {
      await recordShifts(page);
      let wasmServed = false;
      await page.route(/\.wasm$/, async (route) => {
        await new Promise((done) => setTimeout(done, WASM_DELAY_MS));
        wasmServed = true;
        await route.continue();
      });
      if (sessionDelay) {
        await page.route(/\/api\/connection-session$/, async (route) => {
          await new Promise((done) => setTimeout(done, sessionDelay));
          await route.continue();
        });
      }
      await page.goto(`${server.url}/`, { waitUntil: "domcontentloaded" });

      // Before the wasm: the title, the intro and every row are there, nothing is usable yet.
      await page.getByRole("heading", { level: 1, name: "Connect your data sources" }).waitFor();
      const connect = page.getByRole("button", { name: "Connect Fitbit", exact: true });
      await connect.waitFor();
      assert.ok(await connect.isDisabled(), "disabled until the app and the session are there");
      assert.equal(await page.locator(".tc-source").count(), 16);
      await page.getByText("Preparing a secure connection").waitFor();
      await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0);
      assert.equal(wasmServed, false, "all of this came before the wasm");

      await ready(page, "Fitbit");
      await page.waitForTimeout(500);
      const { shifts, fcp, wasm } = await page.evaluate(() => ({
        shifts: window.__shifts,
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
        wasm: performance.getEntriesByType("resource").find((r) => r.name.endsWith(".wasm"))?.responseEnd,
      }));
      assert.ok(fcp < wasm, `first contentful paint at ${fcp} ms, the wasm at ${wasm} ms`);
      assert.deepEqual(shifts, [], "no layout shift (CLS 0)");
      console.log(`# first contentful paint ${Math.round(fcp)} ms, wasm arrived ${Math.round(wasm)} ms`);
    }));
}
