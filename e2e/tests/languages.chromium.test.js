// Chromium only (why: what is measured is when requests start and what each frame shows, the
// same in every engine; the other engines' language tests are in the flows).
// The app carries English; the loader fetches another language's messages (one small file,
// thryve-connect-{code}-{hash}.txt) beside the wasm, and a screen appears or changes language
// only once they are there: never a frame in English first.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { screens, ready, startServer, launch, openPage } from "./harness.js";

const withScreen = screens();
const TABLE = /\/thryve-connect-([a-zA-Z-]+)-[0-9a-f]{16}\.txt$/;

/** Records, before every frame, whether an English title was on screen. */
function recordEnglishFrames(page) {
  return page.addInitScript(() => {
    window.__englishFrames = 0;
    const sample = () => {
      if ([...document.querySelectorAll(".tc-screen__title")].some((t) => t.textContent === "Connect your data sources")) {
        window.__englishFrames++;
      }
      requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
}

/** Holds every message table back until the returned function is called. */
async function holdTables(page) {
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(TABLE, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

test("a German page: the German messages come beside the wasm, once, and no frame is English", () =>
  withScreen({ pages: { "de.html": { lang: "de" } } }, async ({ server, page }) => {
    const tables = [];
    page.on("request", (request) => {
      const match = request.url().match(TABLE);
      if (match) tables.push(match[1]);
    });
    await recordEnglishFrames(page);
    // The wasm takes a second, as on a slow network: the table must not wait for it.
    await page.route(/\.wasm$/, async (route) => {
      await new Promise((done) => setTimeout(done, 1_000));
      await route.continue();
    });
    await page.goto(`${server.url}/de.html`);
    await page.getByRole("heading", { name: "Datenquellen verbinden" }).waitFor();
    await page.waitForFunction(() => document.querySelector('[aria-label="Fitbit verbinden"]')?.disabled === false);
    const { table, wasm } = await page.evaluate(() => {
      const entries = performance.getEntriesByType("resource");
      return {
        table: entries.find((e) => e.name.endsWith(".txt"))?.startTime,
        wasm: entries.find((e) => e.name.endsWith(".wasm"))?.responseEnd,
      };
    });
    assert.deepEqual(tables, ["de"], "one table, the page's language");
    assert.ok(table < wasm, `asked for at ${Math.round(table)} ms, before the wasm had arrived (${Math.round(wasm)} ms)`);
    assert.equal(await page.evaluate(() => window.__englishFrames), 0, "no English frame");
  }));

test("a German page whose messages come after the wasm: the screen waits for them, no English frame", () =>
  withScreen({ pages: { "de.html": { lang: "de" } } }, async ({ server, page }) => {
    await recordEnglishFrames(page);
    let tableServed = false;
    await page.route(TABLE, async (route) => {
      await new Promise((done) => setTimeout(done, 1_500));
      tableServed = true;
      await route.continue();
    });
    await page.goto(`${server.url}/de.html`);
    await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith(".wasm")));
    await page.waitForTimeout(500);
    assert.equal(tableServed, false, "the wasm is there, the messages are not");
    assert.equal(await page.locator(".tc-screen").count(), 0, "no screen yet");
    await page.getByRole("heading", { name: "Datenquellen verbinden" }).waitFor();
    assert.equal(await page.evaluate(() => window.__englishFrames), 0, "no English frame");
  }));

test("an English page fetches no table", () =>
  withScreen({}, async ({ server, page }) => {
    const tables = [];
    page.on("request", (request) => TABLE.test(request.url()) && tables.push(request.url()));
    await page.goto(`${server.url}/`);
    await ready(page, "Fitbit");
    await page.waitForTimeout(300);
    assert.deepEqual(tables, []);
  }));

test("a screen switched to a language whose messages are slow stays as it was until they arrive", () =>
  withScreen({}, async ({ server, page }) => {
    const release = await holdTables(page);
    await page.goto(`${server.url}/`);
    await ready(page, "Fitbit");
    // The screen's own node: the same one until the French messages are there.
    await page.locator(".tc-screen").evaluate((screen) => (screen.__before = true));
    await page.locator("#thryve-connect").evaluate((el) => el.setAttribute("data-locale", "fr"));
    // The div mount follows its attributes only through the loader's handle: ask it to re-read.
    await page.evaluate(async () => {
      const loader = await import(document.querySelector('script[type="module"][src*="thryve-connect.js"]').src);
      loader.mount(document.getElementById("thryve-connect"));
    });
    await page.waitForTimeout(500);
    assert.equal(await page.getByRole("button", { name: "Connect Fitbit", exact: true }).count(), 1, "still English while French is on its way");
    assert.ok(await page.locator(".tc-screen").evaluate((screen) => screen.__before === true), "the same screen, not one shown again");
    release();
    await page.getByRole("button", { name: "Connecter Fitbit", exact: true }).waitFor();
    assert.equal(await page.locator(".tc-screen").getAttribute("lang"), "fr");
  }));

test("settings with another getSession apply at once, even while their language's messages are on their way", () =>
  withScreen({}, async ({ server, page }) => {
    const release = await holdTables(page);
    await page.goto(`${server.url}/`);
    await ready(page, "Fitbit");
    // Another signed-in user, in French: their session must not wait for the French messages.
    await page.evaluate(async () => {
      const loader = await import(document.querySelector('script[type="module"][src*="thryve-connect.js"]').src);
      window.__asked = 0;
      loader.mount(document.getElementById("thryve-connect"), {
        locale: "fr",
        getSession: async () => {
          window.__asked++;
          const answer = await fetch("/api/connection-session", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ locale: "fr" }),
          });
          return answer.json();
        },
      });
    });
    await page.waitForFunction(() => window.__asked > 0);
    await ready(page, "Fitbit");
    release();
    await page.getByRole("button", { name: "Connecter Fitbit", exact: true }).waitFor();
    assert.equal(await page.locator(".tc-screen").getAttribute("lang"), "fr");
  }));

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("messages that cannot be had: the screen shows English, and the console says why", async () => {
  const server = await startServer({ pages: { "de.html": { lang: "de" } } });
  const { context, page, problems } = await openPage(browser);
  try {
    await page.route(TABLE, (route) => route.fulfill({ status: 404, body: "" }));
    await page.goto(`${server.url}/de.html`);
    await ready(page, "Fitbit");
    await page.getByRole("heading", { name: "Connect your data sources" }).waitFor();
    const unexpected = problems.filter((p) => !p.includes('the "de" messages could not be loaded') && !/404/.test(p));
    assert.deepEqual(unexpected, []);
    assert.ok(problems.some((p) => p.includes('the "de" messages could not be loaded')), problems.join("\n"));
  } finally {
    await context.close();
    await server.stop();
  }
});
