// Chromium only: the screen inside a single-page app (examples/spa-host: React, hash routes,
// sessions from the app's own code through getSession), mounted and removed 20 times by route
// changes. Nothing of a removed screen may live on: no
// request after it is gone, no timer, interval or window/document listener left behind, at most
// one session per mount, and the host hears session-ready from every mount.
// Why only here: it counts timers and listeners through an init script that wraps the page's
// own functions before any page script runs, and dates requests by DevTools' network timing.
//
// Needs the release build with the loader (dist/thryve-connect.js) and the example's build
// (`npm ci && npm run build` in examples/spa-host; SPA_HOST_DIST points elsewhere).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { screens, ready } from "./harness.js";

const withScreen = screens();
const SPA_HOST_DIST = resolve(process.env.SPA_HOST_DIST ?? "../examples/spa-host/dist");
const CYCLES = 20;
const SESSION = "/api/connection-session";
const STATUS = "/api/connection-status";
const SESSION_READY = "thryve-connect:session-ready";

/** The example's page (as /spa.html) and bundle (/app.js), pointed at the sandbox's Thryve pages. */
async function spaFiles() {
  const index = await readFile(join(SPA_HOST_DIST, "index.html"), "utf8");
  const app = await readFile(join(SPA_HOST_DIST, "app.js"));
  const html = index.replace("<body ", '<body data-thryve-base-url="/sandbox/" ');
  assert.notEqual(html, index, "the example's page has a <body …> to add settings to");
  return { "spa.html": html, "app.js": app };
}

/**
 * Runs in the page before its scripts (an init script, so its source must stand alone). Counts
 * what is live: timeouts (until they fire or are cleared), intervals (until cleared), and
 * listeners on `window` and `document` (until removed, fired when `once`, or aborted by their
 * signal); and notes the time each <thryve-connect> leaves the document.
 */
function probe() {
  const timeouts = new Map(); // id -> delay
  const intervals = new Map(); // id -> delay
  const listeners = new Map(); // "window popstate" -> Map(listener -> token)
  const removals = [];

  const { setTimeout: setT, clearTimeout: clearT, setInterval: setI, clearInterval: clearI } = window;
  window.setTimeout = function setTimeout(handler, delay, ...args) {
    if (typeof handler !== "function") return setT.call(window, handler, delay, ...args);
    const id = setT.call(
      window,
      function () {
        timeouts.delete(id);
        return handler.apply(this, arguments);
      },
      delay,
      ...args,
    );
    timeouts.set(id, Number(delay) || 0);
    return id;
  };
  window.setInterval = function setInterval(handler, delay, ...args) {
    const id = setI.call(window, handler, delay, ...args);
    intervals.set(id, Number(delay) || 0);
    return id;
  };
  // Timeouts and intervals share their IDs, and either function clears either kind.
  const clear = (id) => {
    timeouts.delete(id);
    intervals.delete(id);
  };
  window.clearTimeout = function clearTimeout(id) {
    clear(id);
    return clearT.call(window, id);
  };
  window.clearInterval = function clearInterval(id) {
    clear(id);
    return clearI.call(window, id);
  };

  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const entries = (target, type, options) => {
    const capture = typeof options === "boolean" ? options : Boolean(options && options.capture);
    const key = `${target === window ? "window" : "document"} ${type}${capture ? " (capture)" : ""}`;
    if (!listeners.has(key)) listeners.set(key, new Map());
    return listeners.get(key);
  };
  EventTarget.prototype.addEventListener = function addEventListener(type, listener, options) {
    const result = add.call(this, type, listener, options);
    if ((this !== window && this !== document) || listener == null) return result;
    const opts = options !== null && typeof options === "object" ? options : {};
    if (opts.signal && opts.signal.aborted) return result;
    const live = entries(this, type, options);
    if (live.has(listener)) return result; // the browser ignores a duplicate too
    const token = {};
    live.set(listener, token);
    const forget = () => {
      if (live.get(listener) === token) live.delete(listener);
    };
    if (opts.once) add.call(this, type, forget, { capture: Boolean(opts.capture), once: true });
    if (opts.signal) add.call(opts.signal, "abort", forget, { once: true });
    return result;
  };
  EventTarget.prototype.removeEventListener = function removeEventListener(type, listener, options) {
    const result = remove.call(this, type, listener, options);
    if ((this === window || this === document) && listener != null) entries(this, type, options).delete(listener);
    return result;
  };

  new MutationObserver((records) => {
    const now = Date.now();
    for (const record of records) {
      for (const node of record.removedNodes) {
        if (node.nodeType === 1 && (node.localName === "thryve-connect" || node.querySelector("thryve-connect"))) {
          removals.push(now);
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });

  Object.defineProperty(window, "__probe", {
    value: {
      removals,
      counts() {
        const byTarget = {};
        for (const [key, live] of listeners) if (live.size) byTarget[key] = live.size;
        return {
          timeouts: timeouts.size,
          intervals: intervals.size,
          listeners: byTarget,
          // Not compared; shown when the counts differ.
          timeoutDelays: [...timeouts.values()].sort((a, b) => a - b),
          intervalDelays: [...intervals.values()].sort((a, b) => a - b),
        };
      },
    },
  });
}

const liveCounts = (page) => page.evaluate(() => window.__probe.counts());
const compared = ({ timeouts, intervals, listeners }) => ({ timeouts, intervals, listeners });

/** What differs between two counts, e.g. "timeouts 1 -> 20 (delays [270000, …])". */
function changes(before, after) {
  const out = [];
  for (const kind of ["timeouts", "intervals"]) {
    if (before[kind] !== after[kind]) {
      const delays = after[kind === "timeouts" ? "timeoutDelays" : "intervalDelays"];
      out.push(`${kind} ${before[kind]} -> ${after[kind]} (delays now [${delays.join(", ")}])`);
    }
  }
  for (const key of new Set([...Object.keys(before.listeners), ...Object.keys(after.listeners)])) {
    const [was, is] = [before.listeners[key] ?? 0, after.listeners[key] ?? 0];
    if (was !== is) out.push(`${key} listeners ${was} -> ${is}`);
  }
  return out.join("; ");
}

/** The counts once they hold still (the same over half a second), or after 5 s. */
async function settledCounts(page) {
  let last = await liveCounts(page);
  let steady = 0;
  for (let waited = 0; waited < 5_000 && steady < 2; waited += 250) {
    await sleep(250);
    const now = await liveCounts(page);
    steady = JSON.stringify(compared(now)) === JSON.stringify(compared(last)) ? steady + 1 : 0;
    last = now;
  }
  return last;
}

test(`in a single-page app, the screen mounted and removed ${CYCLES} times leaves nothing behind`, { timeout: 300_000 }, async () => {
  const files = await spaFiles();
  await withScreen({ files }, async ({ server, page }) => {
    await page.addInitScript(probe);
    // Every request to the two endpoints, with the time the page sent it.
    const requests = [];
    page.on("request", (request) => {
      const path = new URL(request.url()).pathname;
      if (path === SESSION || path === STATUS) requests.push({ path, request, seen: Date.now() });
    });
    // DevTools' start time (browser clock, the page's Date.now clock) once the answer came; for a
    // request without an answer (cancelled), when the test heard of it, a few ms later.
    const startOf = ({ request, seen }) => (request.timing().startTime > 0 ? request.timing().startTime : seen);

    await page.goto(`${server.url}/spa.html#/`);
    const nav = page.getByRole("navigation", { name: "Main" });
    const home = page.getByRole("heading", { name: "Home", level: 1 });
    await home.waitFor();

    const clicks = []; // when each "Connections" click was sent (test clock = the browser's)
    const eventsBefore = []; // window.hostEvents.length before each mount
    let baseline;
    for (let i = 0; i < CYCLES; i++) {
      eventsBefore.push(await page.evaluate(() => window.hostEvents.length));
      clicks.push(Date.now());
      await nav.getByRole("link", { name: "Connections", exact: true }).click();
      await ready(page, "Fitbit");
      // The host's own log (one list per mount) shows the screen's session-ready.
      await page.getByTestId("host-events").getByText(SESSION_READY, { exact: true }).first().waitFor();

      await nav.getByRole("link", { name: "Home", exact: true }).click();
      await page.locator("thryve-connect").waitFor({ state: "detached" });
      await home.waitFor();
      // The loader and the WebAssembly are loaded now, and what they keep for the page's life
      // (e.g. delegated listeners on document) exists: what is live from here on is the baseline.
      if (i === 0) baseline = await settledCounts(page);
    }

    // Anything a removed screen left behind would show within this wait.
    await sleep(2_000);
    const { removals, hostEvents } = await page.evaluate(() => ({
      removals: window.__probe.removals.slice(),
      hostEvents: window.hostEvents.map(({ name, detail }) => ({ name, detail })),
    }));
    assert.equal(removals.length, CYCLES, "one removal noted per mount");
    assert.ok(
      requests.some((r) => r.path === SESSION),
      "the recorder saw the screen's session requests",
    );

    // No request while no screen is shown: between a removal and the next "Connections" click,
    // and above all after the last removal (where only leftovers could send one).
    const timed = requests.map((r) => ({
      path: r.path,
      method: r.request.method(),
      start: startOf(r),
      authorization: r.request.headers()["authorization"] ?? null,
    }));
    const cycleOf = (start) => clicks.findLastIndex((click) => click <= start);
    const whileHidden = timed
      .filter(({ start }) => {
        const i = cycleOf(start);
        return i >= 0 && start > removals[i] && (i + 1 === CYCLES || start < clicks[i + 1]);
      })
      .map(({ path, start }) => {
        const i = cycleOf(start);
        return `${path} ${Math.round(start - removals[i])} ms after removal ${i + 1}${i + 1 === CYCLES ? " (the last)" : ""}`;
      });
    assert.deepEqual(whileHidden, [], "no session or status request starts after its screen was removed");

    // Sessions: each mount needs one (a token lives 300 s, renewed at 270 s, longer than this
    // test; the sandbox makes no request fail, so there is no retry). The loader sends no early
    // request for a screen whose session comes from getSession, so the first mount needs one too
    // (the bound of 2 stays for a loader head start, were the app to use the token endpoint).
    const sessions = timed.filter((r) => r.path === SESSION && r.method === "POST");
    // The app gets every session through its own code (getSession, with its own credentials):
    // the screen never calls the token endpoint itself, and the loader sends no early request.
    assert.deepEqual(
      [...new Set(sessions.map((r) => r.authorization))],
      ["Bearer spa-host-demo-token"],
      "every session request came from the app's getSession",
    );
    const perCycle = Array.from({ length: CYCLES }, (_, i) => sessions.filter((r) => Math.max(cycleOf(r.start), 0) === i).length);
    assert.ok(sessions.length <= CYCLES + 1, `at most ${CYCLES + 1} session requests for ${CYCLES} mounts, not ${sessions.length}: ${perCycle}`);
    assert.ok(perCycle[0] <= 2, `at most the prefetch and one session for the first mount: ${perCycle}`);
    assert.deepEqual(
      perCycle.slice(1).map((n, i) => (n <= 1 ? null : `mount ${i + 2}: ${n}`)).filter(Boolean),
      [],
      `at most one session request per later mount: ${perCycle}`,
    );

    // The host heard session-ready from every mount, and no error.
    const unheard = eventsBefore
      .map((from, i) => (hostEvents.slice(from, eventsBefore[i + 1]).some((e) => e.name === SESSION_READY) ? null : i + 1))
      .filter(Boolean);
    assert.deepEqual(unheard, [], "every mount sent session-ready to the host");
    assert.ok(hostEvents.filter((e) => e.name === SESSION_READY).length >= CYCLES);
    assert.deepEqual(
      hostEvents.filter((e) => e.name === "thryve-connect:error"),
      [],
      "no error events",
    );

    // Timers, intervals and window/document listeners are back where they were after the first
    // mount (allowing a moment for a timeout that is about to fire).
    let end = await liveCounts(page);
    for (let waited = 0; waited < 3_000 && JSON.stringify(compared(end)) !== JSON.stringify(compared(baseline)); waited += 250) {
      await sleep(250);
      end = await liveCounts(page);
    }
    assert.deepEqual(
      compared(end),
      compared(baseline),
      `live timers and listeners after ${CYCLES} mounts equal those after the first: ${changes(baseline, end)}`,
    );
    // Page errors, console errors and CSP violations fail the test in withScreen.
  });
});
