// Embedding, styling and languages: the static-files example host page, frames, both themes at
// phone and desktop width, and the language chain (data-locale, page lang, browser).
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { screens, ready, rowState, screenshot, OUTPUT, STATIC_HOST_DIST } from "./harness.js";

const withScreen = screens();

test("static files: the screen inside a host layout, settings from JSON, events to the host, host theme", () =>
  withScreen({ dist: STATIC_HOST_DIST }, {}, async ({ server, page }) => {
    await page.goto(`${server.url}/`);
    const mount = page.locator(".host-connect");
    await ready(page, "Oura Ring");
    assert.equal(await mount.locator(".tc-screen").count(), 1, "mounted into the host's element");
    assert.equal(await page.locator("body > .tc-screen").count(), 0);
    assert.equal(await page.getByText("Loading your connections…").count(), 0, "placeholder replaced");
    const names = await mount.locator(".tc-source__name").allTextContents();
    assert.deepEqual(names, ["Oura Ring", "Fitbit", "Strava", "Withings"], "featured first, Garmin hidden");
    assert.match(await mount.locator('[data-testid="source-18"]').textContent(), /Recommended/);
    await page.locator('#activity li[data-event="thryve-connect:session-ready"]').waitFor();

    // The host's brand colour reaches the screen through --tc-accent.
    const accent = await page.getByRole("button", { name: "Connect Oura Ring" }).evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(accent, "rgb(47, 93, 80)");

    await page.getByRole("button", { name: "Connect Oura Ring" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("status").getByText("Oura Ring is now connected.").waitFor();
    await page.locator("#activity").getByText("Oura Ring: connect success").waitFor();
    assert.equal(await rowState(page, 18), "connected");

    // The host forces the dark theme over the system's light one.
    const background = () => page.locator(".tc-screen").evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(await background(), "rgb(255, 255, 255)");
    await page.getByRole("button", { name: "Dark theme" }).click();
    assert.equal(await background(), "rgb(20, 23, 28)");
    await screenshot(page, "static-host-dark");
  }));

const framePage = (sandbox) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host with a frame</title></head>
<body><h1>Host</h1><iframe title="Connect your data sources" src="/index.html" width="600" height="700"${sandbox ? ` sandbox="${sandbox}"` : ""}></iframe></body></html>`;

test("in a frame, Connect navigates the top window, not the frame", () =>
  withScreen(
    { env: { FRAME_ANCESTORS: "'self'" }, pages: { "frame.html": { html: framePage() } } },
    {},
    async ({ server, page }) => {
      await page.goto(`${server.url}/frame.html`);
      const frame = page.frameLocator("iframe");
      await frame.getByRole("button", { name: "Connect Fitbit", exact: true }).waitFor();
      await page.waitForFunction(() => {
        const doc = document.querySelector("iframe").contentDocument;
        const b = doc && doc.querySelector('[aria-label="Connect Fitbit"]');
        return b && !b.disabled;
      });
      await frame.getByRole("button", { name: "Connect Fitbit", exact: true }).click();
      await page.waitForURL(/\/sandbox\/dataSourceDirectConnection\.html/);
      assert.equal(page.frames().length, 1, "the top window left; no frame is left on the vendor page");
    },
  ));

test("in a sandboxed frame that may not navigate the top window, Connect opens a new tab", () =>
  withScreen(
    { env: { FRAME_ANCESTORS: "'self'" }, pages: { "sandboxed.html": { html: framePage("allow-scripts allow-same-origin allow-popups") } } },
    {},
    async ({ server, page, context }) => {
      await page.goto(`${server.url}/sandboxed.html`);
      const frame = page.frameLocator("iframe");
      await page.waitForFunction(() => {
        const doc = document.querySelector("iframe").contentDocument;
        const b = doc && doc.querySelector('[aria-label="Connect Strava"]');
        return b && !b.disabled;
      });
      const [tab] = await Promise.all([
        context.waitForEvent("page"),
        frame.getByRole("button", { name: "Connect Strava", exact: true }).click(),
      ]);
      await tab.waitForURL(/dataSourceDirectConnection/);
      assert.equal(new URL(tab.url()).searchParams.has("redirect_uri"), false);
      assert.equal(new URL(page.url()).pathname, "/sandboxed.html", "the host page stayed");
      await frame.getByRole("status").getByText("Strava opened in a new tab.").waitFor();
    },
  ));

for (const [scheme, width, height, name] of [
  ["light", 390, 844, "phone-light"],
  ["dark", 390, 844, "phone-dark"],
  ["light", 1280, 900, "desktop-light"],
  ["dark", 1280, 900, "desktop-dark"],
]) {
  test(`themes: ${scheme} at ${width} px has no horizontal scroll and readable text`, () =>
    withScreen({}, { colorScheme: scheme, viewport: { width, height } }, async ({ server, page }) => {
      await page.goto(`${server.url}/`);
      await ready(page, "Fitbit");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scroll (${overflow} px)`);
      const colours = await page.locator(".tc-screen").evaluate((el) => {
        const style = getComputedStyle(el);
        return { bg: style.backgroundColor, fg: style.color };
      });
      const dark = colours.bg === "rgb(20, 23, 28)";
      assert.equal(dark, scheme === "dark", `${scheme} theme follows prefers-color-scheme (${colours.bg})`);
      await screenshot(page, `theme-${name}`);
      if (process.env.UPDATE_SCREENSHOTS) {
        const docs = resolve("../docs/screenshots");
        await mkdir(docs, { recursive: true });
        await copyFile(join(OUTPUT, `theme-${name}.png`), join(docs, `${name}.png`));
      }
    }));
}

test("language: data-locale, else the page's lang, else the browser's; the token endpoint gets the same", () =>
  withScreen(
    {
      pages: {
        "explicit.html": { attributes: { "data-locale": "es" }, lang: "de" },
        "page-lang.html": { lang: "de" },
        "browser.html": { lang: "" },
      },
    },
    { locale: "fr-FR" },
    async ({ server, page }) => {
      const sessionLocale = () =>
        page
          .waitForRequest((r) => r.url().endsWith("/api/connection-session"))
          .then((r) => JSON.parse(r.postData() ?? "{}").locale);
      for (const [file, button, heading, locale] of [
        ["explicit.html", "Conectar Fitbit", "Conecta tus fuentes de datos", "es"],
        ["page-lang.html", "Fitbit verbinden", "Datenquellen verbinden", "de"],
        ["browser.html", "Connecter Fitbit", "Connectez vos sources de données", "fr"],
      ]) {
        const sent = sessionLocale();
        await page.goto(`${server.url}/${file}`);
        assert.equal(await sent, locale, file);
        await page.getByRole("button", { name: button, exact: true }).waitFor();
        await page.getByRole("heading", { name: heading }).waitFor();
        assert.equal(await page.locator(".tc-screen").getAttribute("lang"), locale);
      }
      await screenshot(page, "french");
    },
  ));
