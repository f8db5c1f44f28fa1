// Chromium only: the <thryve-connect> element and its loader as host pages use them. Two
// elements on one page, each with its own result; attributes changed on a live element; an
// element inserted long after load, and the loader added after the element (with the time from
// insertion to a usable Connect); screens that survive garbage collection; and the loader served
// from another origin to a page under a strict Content-Security-Policy.
// Why only here: it measures with DevTools (garbage collection, request timing) and starts a
// second origin of its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { screens, startServer, launch, openPage, ready, hostOrigin } from "./harness.js";

const withScreen = screens();
const CONSENT = /\/sandbox\/dataSourceDirectConnection\.html/;

const page = (body, head = "") => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script type="module" src="/thryve-connect.js"></script>${head}</head><body><h1>Host</h1>${body}</body></html>`;

const TWO = page(`
<thryve-connect id="left" sources="1,11"></thryve-connect>
<thryve-connect id="right" sources="18,8"></thryve-connect>`);

const statusOf = (p, id) => p.locator(`#${id} [role="status"]`).textContent();

/** Connects `source` in the element `id` through the sandbox's consent page, and back. */
async function connectIn(p, id, source) {
  await p.locator(`#${id}`).getByRole("button", { name: `Connect ${source}`, exact: true }).click();
  await p.waitForURL(CONSENT);
  await p.getByRole("button", { name: "Allow" }).click();
  await p.waitForURL((u) => u.pathname === "/two.html" && u.search === "");
}

test("two elements on one page: each connects and shows only its own result; the app loads once", () =>
  withScreen({ pages: { "two.html": { html: TWO } } }, async ({ server, page: p }) => {
    const wasm = [];
    p.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(r.url()));
    await p.goto(`${server.url}/two.html`);
    await ready(p, "Fitbit");
    await ready(p, "Oura");
    assert.equal(wasm.length, 1, "one WebAssembly download for two screens");
    // The server gave both elements its settings, without the data- prefix.
    assert.equal(await p.locator("#right").getAttribute("thryve-base-url"), "/sandbox/");
    assert.equal(await p.locator("#left .tc-source").count(), 2);
    assert.equal(await p.locator("#right .tc-source").count(), 2);

    await connectIn(p, "left", "Fitbit");
    await p.locator("#left").getByRole("status").getByText("Fitbit is now connected.").waitFor();
    await ready(p, "Oura");
    assert.equal(await statusOf(p, "right"), "", "the other element shows no result");

    await connectIn(p, "right", "Oura");
    await p.locator("#right").getByRole("status").getByText("Oura is now connected.").waitFor();
    await ready(p, "Strava");
    assert.equal(await statusOf(p, "left"), "", "the first element shows no result this time");
    // The status endpoint knows both now; each element shows its own sources' states.
    await p.locator('#left [data-testid="source-1"][data-state="connected"]').waitFor();
    await p.locator('#right [data-testid="source-18"][data-state="connected"]').waitFor();
  }));

test("a live element follows its attributes and settings: language, list, open mode", () =>
  withScreen({ pages: { "two.html": { html: TWO } } }, async ({ server, page: p, context }) => {
    await p.goto(`${server.url}/two.html`);
    await ready(p, "Fitbit");
    await ready(p, "Oura");
    const left = p.locator("#left");

    await left.evaluate((el) => el.setAttribute("locale", "de"));
    await left.getByRole("button", { name: "Fitbit verbinden", exact: true }).waitFor();
    await p.waitForFunction(() => !document.querySelector('#left [aria-label="Fitbit verbinden"]').disabled);
    assert.equal(await p.locator("#right").getByRole("button", { name: "Connect Oura", exact: true }).count(), 1, "the other element stays English");

    await left.evaluate((el) => el.setAttribute("sources", "11"));
    await left.getByRole("button", { name: "Strava verbinden", exact: true }).waitFor();
    assert.equal(await left.locator(".tc-source").count(), 1);

    // mount() on an element that already has a screen updates that screen: never two.
    await p.evaluate(async () => {
      const { mount } = await import("/thryve-connect.js");
      const handle = mount(document.getElementById("left"), { sources: [11, 1], locale: "de" });
      await handle.ready;
    });
    await left.getByRole("button", { name: "Fitbit verbinden", exact: true }).waitFor();
    assert.equal(await left.locator(".tc-screen").count(), 1, "one screen in the element");

    // The settings property wins over the attributes.
    await left.evaluate((el) => (el.settings = { sources: [1, 11], locale: "en", open: "new-tab" }));
    await ready(p, "Fitbit");
    const [tab] = await Promise.all([
      context.waitForEvent("page"),
      left.getByRole("button", { name: "Connect Fitbit", exact: true }).click(),
    ]);
    await tab.waitForURL(CONSENT);
    assert.equal(new URL(tab.url()).searchParams.has("redirect_uri"), false, "new-tab mode");
    assert.equal(new URL(p.url()).pathname, "/two.html", "the page stayed");
  }));

test("inserted long after load, or before its loader: the element works; time to a usable Connect", () =>
  withScreen(
    {
      pages: {
        "empty.html": { html: page("<main></main>") },
        "later.html": {
          html: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script type="module" src="/later.js"></script></head><body><h1>Host</h1><thryve-connect sources="1,11"></thryve-connect></body></html>`,
        },
      },
      files: {
        // The host adds the loader a while after its element exists.
        "later.js": `setTimeout(() => import("/thryve-connect.js"), 800);`,
      },
    },
    async ({ server, page: p }) => {
      // A fresh browser context: nothing cached, and the loader loads the app only once an
      // element exists.
      await p.goto(`${server.url}/empty.html`);
      await p.waitForTimeout(500);
      const insert = () =>
        p.evaluate(
          () =>
            new Promise((resolve) => {
              const element = document.createElement("thryve-connect");
              element.setAttribute("sources", "1,11");
              const start = performance.now();
              document.querySelector("main").append(element);
              const check = () => {
                const button = element.querySelector('[aria-label="Connect Fitbit"]');
                if (button && !button.disabled) resolve(Math.round(performance.now() - start));
                else requestAnimationFrame(check);
              };
              check();
            }),
        );
      const cold = await insert();
      await p.evaluate(() => document.querySelector("thryve-connect").remove());
      const warm = await insert();
      console.log(`# insertion to usable Connect (local, no throttling): first ${cold} ms (downloads the app), again ${warm} ms`);
      assert.ok(cold < 10_000 && warm < 10_000);

      // The loader added after the element exists.
      await p.goto(`${server.url}/later.html`);
      await ready(p, "Fitbit");
    },
  ));

test("garbage collection does not take a mounted screen away (div mount and element)", () =>
  withScreen({ pages: { "two.html": { html: TWO } } }, async ({ server, page: p }) => {
    const cdp = await p.context().newCDPSession(p);
    for (const path of ["/", "/two.html"]) {
      await p.goto(`${server.url}${path}`);
      await ready(p, "Fitbit");
      for (let i = 0; i < 3; i++) {
        await cdp.send("HeapProfiler.collectGarbage");
        await p.waitForTimeout(200);
      }
      assert.equal(await p.getByRole("button", { name: "Connect Fitbit", exact: true }).count(), 1, path);
      await ready(p, "Fitbit");
    }
  }));

test("the loader from another origin, on a page under a strict CSP: no violation, and a connect works", async () => {
  const files = await startServer();
  const browser = await launch();
  let host;
  try {
    const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Strict host</title>
<script type="module" src="${files.url}/thryve-connect.js"></script></head>
<body><h1>Strict host</h1>
<thryve-connect token-endpoint="/api/connection-session" thryve-base-url="/sandbox/" sources="1,11"></thryve-connect>
</body></html>`;
    const csp = [
      "default-src 'none'",
      `script-src 'self' ${files.url} 'wasm-unsafe-eval'`,
      `style-src ${files.url}`,
      `connect-src 'self' ${files.url}`,
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; ");
    host = await hostOrigin(files.url, { "/host.html": { html, csp } });
    const { context, page: p, problems } = await openPage(browser);
    await p.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const fromFiles = [];
    p.on("request", (r) => r.url().startsWith(files.url) && fromFiles.push(new URL(r.url()).pathname));
    await p.goto(`${host.url}/host.html`);
    await ready(p, "Fitbit");
    // Styled by the stylesheet the loader linked from its own origin.
    const styled = await p.evaluate(() => getComputedStyle(document.querySelector(".tc-screen")).getPropertyValue("--tc-radius").trim());
    assert.notEqual(styled, "", "the screen's stylesheet applies");
    assert.ok(fromFiles.some((path) => path.endsWith(".wasm")), "the WebAssembly came from the files' origin");
    assert.ok(fromFiles.some((path) => path.endsWith(".css")), "the stylesheet came from the files' origin");

    await p.getByRole("button", { name: "Connect Fitbit", exact: true }).click();
    await p.waitForURL(CONSENT);
    await p.getByRole("button", { name: "Allow" }).click();
    await p.waitForURL((u) => u.origin === host.url && u.pathname === "/host.html");
    await p.getByRole("status").getByText("Fitbit is now connected.").waitFor();
    assert.deepEqual(await p.evaluate(() => window.__violations), []);
    assert.deepEqual(problems, [], "no page errors or CSP violations");
    await context.close();
  } finally {
    await host?.close();
    await browser.close();
    await files.stop();
  }
});
