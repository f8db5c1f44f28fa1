// Chromium only: frames and the language chain. The static-files example, both themes and German
// are shared flows (flows/looks.js) that run in every engine.
// Why only here: frames need a frame API the shared engine interface does not have (Playwright's
// frame locators, WebDriver's frame switching), and the sandboxed-frame fallback depends on how
// each engine refuses a top navigation; the language chain needs the browser's own language per
// page, which Playwright sets per context, while Firefox (a browser-wide pref) and MiniBrowser
// (the process locale) would need a browser each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { screens, screenshot } from "./harness.js";

const withScreen = screens();

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
