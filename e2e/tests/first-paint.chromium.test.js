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

/** Answers requests matching `pattern` only after `ms`; `servedAt` says when one was let through. */
async function holdBack(page, pattern, ms) {
  const state = { servedAt: undefined };
  await page.route(pattern, async (route) => {
    await new Promise((done) => setTimeout(done, ms));
    state.servedAt ??= Date.now();
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

/**
 * Counts the frames in which the app's `selector` (not the pre-rendered frame's: those are marked
 * once the page is parsed) is `state` ("disabled", or its `data-state`), sampled before every
 * frame, in `window.__appFrames`.
 */
function countAppFrames(page, selector, state) {
  return page.addInitScript(
    ([selector, state]) => {
      window.__appFrames = 0;
      const sample = () => {
        const node = document.querySelector(selector);
        const matches = state === "disabled" ? node?.disabled : node?.dataset.state === state;
        if (node && !node.__fromFrame && matches) window.__appFrames++;
        requestAnimationFrame(sample);
      };
      document.addEventListener("DOMContentLoaded", () => {
        for (const node of document.querySelectorAll(selector)) node.__fromFrame = true;
        requestAnimationFrame(sample);
      });
    },
    [selector, state],
  );
}

/** A 4× slower CPU, `latency` ms more per request, and the wasm `hold` ms late. */
async function slowStart(page, latency = 0, hold = 1_000) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  if (latency) {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency, downloadThroughput: -1, uploadThroughput: -1 });
  }
  return holdBack(page, /\.wasm$/, hold);
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
      assert.equal(wasm.servedAt, undefined, "all of this came before the wasm");

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

test("a session fetched while the app downloads is in the app's first frame: one request, no disabled Connect painted by the app", () =>
  withScreen({}, {}, async ({ server, page }) => {
    const sessions = [];
    let answeredAt;
    const isSession = (request) => /\/api\/connection-session$/.test(request.url());
    page.on("request", (request) => isSession(request) && sessions.push(request.method()));
    page.on("requestfinished", (request) => isSession(request) && (answeredAt ??= Date.now()));
    await countAppFrames(page, 'button[aria-label="Connect Fitbit"]', "disabled");
    // A phone's CPU: the app's start takes longer than a frame, as it does there. The wasm comes
    // 2 s late, so that the session's answer is surely in before it, even on a busy machine.
    const wasm = await slowStart(page, 0, 2_000);
    await page.goto(`${server.url}/`, { waitUntil: "domcontentloaded" });
    await ready(page, "Fitbit");
    assert.ok(wasm.servedAt !== undefined, "the wasm was let through");
    await page.waitForTimeout(300);
    assert.deepEqual(sessions, ["POST"], "the loader's early request is the only one");
    const timing = `the session answered ${answeredAt - wasm.servedAt} ms after the wasm was let through`;
    assert.ok(answeredAt < wasm.servedAt, `the premise: ${timing}`);
    assert.equal(await page.evaluate(() => window.__appFrames), 0, `no frame showed the app's Connect disabled (${timing})`);
  }));

test("a status fetched while the app downloads is in the app's first frame: one request, no row painted unknown by the app", () =>
  withScreen({}, {}, async ({ server, page }) => {
    await page.goto(`${server.url}/`);
    await ready(page, "Fitbit");
    await page.getByRole("button", { name: "Connect Fitbit", exact: true }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.locator('[data-testid="source-1"][data-state="connected"]').waitFor();
    // Only the status may know it: nothing remembered in this browser.
    await page.evaluate(() => {
      localStorage.clear();
      sessionStorage.clear();
    });

    const statuses = [];
    page.on("request", (request) => {
      if (/\/api\/connection-status$/.test(request.url())) statuses.push(request.method());
    });
    await countAppFrames(page, '[data-testid="source-1"]', "unknown");
    // A phone's CPU and round trip: a status asked for only once the app is there comes later.
    const wasm = await slowStart(page, 150);
    await page.goto(`${server.url}/`, { waitUntil: "domcontentloaded" });
    await page.locator('[data-testid="source-1"][data-state="connected"]').waitFor();
    assert.ok(wasm.servedAt !== undefined, "the wasm was let through");
    await page.waitForTimeout(300);
    assert.deepEqual(statuses, ["GET"], "the loader's early request is the only one");
    assert.equal(await page.evaluate(() => window.__appFrames), 0, "no frame showed the app's row unknown");
  }));

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
    assert.equal(wasm.servedAt, undefined, "measured before the wasm");
    await page.getByRole("status").getByText("Fitbit is now connected.").waitFor();
    await page.waitForTimeout(500);
    const after = await boxes(page);
    for (const [i, box] of before.entries()) {
      if (box[1] !== null) assert.deepEqual(after[i], box, `${box[0]} stays where it was painted`);
    }
    assert.deepEqual(await page.evaluate(() => window.__shifts), [], "no layout shift on the return");
  }));
