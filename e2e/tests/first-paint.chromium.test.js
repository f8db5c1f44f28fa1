// Chromium only (why: layout shifts and paint timings come from Chromium's PerformanceObserver
// entry types `layout-shift` and `paint`; Firefox and WebKit do not report layout shifts).
// The first frame is in the built page (src/bin/prerender.rs): the title and the list are painted
// while the wasm is still on its way, and the app takes over without moving anything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { screens, ready } from "./harness.js";

const withScreen = screens();
const WASM_DELAY_MS = 2_000;

/**
 * Where the title, the status line and the first rows are. The app replaces the frame's nodes
 * with its own, which layout-shift entries do not compare: the boxes must be where they were.
 */
function boxes(page) {
  return page.evaluate(() =>
    [".tc-screen__title", ".tc-sources__summary", ...[1, 2, 3, 4, 5, 6].map((n) => `.tc-source:nth-child(${n})`)].map((selector) => {
      const r = document.querySelector(selector)?.getBoundingClientRect();
      return r ? [selector, Math.round(r.top), Math.round(r.left), Math.round(r.width), Math.round(r.height)] : [selector, null];
    }),
  );
}

/** Answers requests matching `pattern` only after `ms`; `served` says whether one has gone. */
async function holdBack(page, pattern, ms) {
  const state = { served: false };
  await page.route(pattern, async (route) => {
    await new Promise((done) => setTimeout(done, ms));
    state.served = true;
    await route.continue();
  });
  return state;
}

/** Records layout shifts from the very start of every page. */
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
      const wasm = await holdBack(page, /\.wasm$/, WASM_DELAY_MS);
      if (sessionDelay) await holdBack(page, /\/api\/connection-session$/, sessionDelay);
      await page.goto(`${server.url}/`, { waitUntil: "domcontentloaded" });

      // Before the wasm: the title, the intro and every row are there, nothing is usable yet.
      await page.getByRole("heading", { level: 1, name: "Connect your data sources" }).waitFor();
      const connect = page.getByRole("button", { name: "Connect Fitbit", exact: true });
      await connect.waitFor();
      assert.ok(await connect.isDisabled(), "disabled until the app and the session are there");
      assert.equal(await page.locator(".tc-source").count(), 16);
      await page.getByText("Preparing a secure connection").waitFor();
      await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0);
      const before = await boxes(page);
      assert.equal(wasm.served, false, "all of this came before the wasm");

      await ready(page, "Fitbit");
      await page.waitForTimeout(500);
      assert.deepEqual(await boxes(page), before, "the app's screen lies exactly over the frame");
      const { shifts, fcp, wasmAt } = await page.evaluate(() => ({
        shifts: window.__shifts,
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
        wasmAt: performance.getEntriesByType("resource").find((r) => r.name.endsWith(".wasm"))?.responseEnd,
      }));
      assert.ok(fcp < wasmAt, `first contentful paint at ${fcp} ms, the wasm at ${wasmAt} ms`);
      assert.deepEqual(shifts, [], "no layout shift (CLS 0)");
      console.log(`# first contentful paint ${Math.round(fcp)} ms, wasm arrived ${Math.round(wasmAt)} ms`);
    }));
}

test("a return from Thryve starts from an empty mount: its result never pushes a frame down", () =>
  withScreen({}, { viewport: { width: 390, height: 844 } }, async ({ server, page }) => {
    // What is measured is the result message: the status's details ("Last data: …") add a line
    // to the connected row when they arrive, which moves the rows below (README, "Styling").
    await server.behave({ statusDetails: false });
    await page.goto(`${server.url}/`);
    await ready(page, "Fitbit");
    await page.getByRole("button", { name: "Connect Fitbit", exact: true }).click();
    await page.waitForURL(/\/sandbox\/dataSourceDirectConnection\.html/);
    // The way back: the wasm held back again, layout shifts recorded on the returning page.
    await recordShifts(page);
    const wasm = await holdBack(page, /\.wasm$/, WASM_DELAY_MS);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(/tc_attempt=/, { waitUntil: "domcontentloaded" });
    await page.waitForTimeout(300);
    const before = await boxes(page);
    assert.equal(wasm.served, false, "measured before the wasm");
    await page.getByRole("status").getByText("Fitbit is now connected.").waitFor();
    await page.waitForTimeout(500);
    const after = await boxes(page);
    for (const [i, box] of before.entries()) {
      if (box[1] !== null) assert.deepEqual(after[i], box, `${box[0]} stays where it was painted`);
    }
    assert.deepEqual(await page.evaluate(() => window.__shifts), [], "no layout shift on the return");
  }));
