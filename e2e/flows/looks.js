// How it looks and reads: both themes at phone and desktop width, German, and the static-files
// example host page.
import { copyFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ENGINE } from "../engines/index.js";
import { OUTPUT, STATIC_HOST_DIST } from "../tests/harness.js";
import { assert, ready, rowState, waitForText, waitForUrl, sessions, STATUS } from "./lib.js";

const background = (page) => page.evaluate(() => getComputedStyle(document.querySelector(".tc-screen")).backgroundColor);

export const flows = [
  ...[
    ["light", 390, 844, "phone-light"],
    ["dark", 390, 844, "phone-dark"],
    ["light", 1280, 900, "desktop-light"],
    ["dark", 1280, 900, "desktop-dark"],
  ].map(([scheme, width, height, name]) => ({
    name: `themes: ${scheme} at ${width} px has no horizontal scroll and readable text`,
    skip:
      width < 447
        ? { webkit: "MiniBrowser's window cannot be narrower than its toolbar (447 px of page), so WebKit checks both themes at 1280 px only" }
        : undefined,
    page: { colorScheme: scheme, viewport: { width, height } },
    async run({ server, page }) {
      await page.goto(`${server.url}/`);
      await ready(page, "Fitbit");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scroll (${overflow} px)`);
      const colours = await page.evaluate(() => {
        const style = getComputedStyle(document.querySelector(".tc-screen"));
        return { bg: style.backgroundColor, fg: style.color };
      });
      const dark = colours.bg === "rgb(20, 23, 28)";
      assert.equal(dark, scheme === "dark", `${scheme} theme follows prefers-color-scheme (${colours.bg})`);
      assert.notEqual(colours.fg, colours.bg, "text and background differ");
      await page.screenshot(`theme-${name}`);
      if (process.env.UPDATE_SCREENSHOTS && ENGINE === "chromium") {
        const docs = resolve("../docs/screenshots");
        await mkdir(docs, { recursive: true });
        await copyFile(join(OUTPUT, `theme-${name}.png`), join(docs, `${name}.png`));
      }
    },
  })),
  {
    name: "German: the page's lang gives German labels, the token endpoint gets de, a connect ends in German",
    server: { pages: { "de.html": { lang: "de" } } },
    async run({ server, page }) {
      await page.goto(`${server.url}/de.html`);
      await page.waitFor(() => [...document.querySelectorAll("h1, h2, h3")].some((h) => h.textContent.trim() === "Datenquellen verbinden"));
      await page.waitFor(() => {
        const b = document.querySelector('[aria-label="Fitbit verbinden"]');
        return !!b && !b.disabled;
      });
      assert.equal(await page.evaluate(() => document.querySelector(".tc-screen").getAttribute("lang")), "de");
      const [session] = await sessions(server, 1);
      assert.equal(session.locale, "de");
      await page.click("Fitbit verbinden");
      await waitForUrl(page, /dataSourceDirectConnection/);
      await page.click("Allow");
      await waitForText(page, "Fitbit ist jetzt verbunden.", STATUS);
      assert.equal(await rowState(page, 1), "connected");
      await page.screenshot("german");
    },
  },
  {
    name: "static files: the screen inside a host layout, settings from JSON, events to the host, host theme",
    server: { dist: STATIC_HOST_DIST },
    async run({ server, page }) {
      await page.goto(`${server.url}/`);
      await ready(page, "Oura Ring");
      const layout = await page.evaluate(() => ({
        mounted: document.querySelectorAll(".host-connect .tc-screen").length,
        loose: document.querySelectorAll("body > .tc-screen").length,
        placeholder: document.body.innerText.includes("Loading your connections…"),
        names: [...document.querySelectorAll(".host-connect .tc-source__name")].map((n) => n.textContent),
        recommended: document.querySelector('.host-connect [data-testid="source-18"]').textContent,
      }));
      assert.equal(layout.mounted, 1, "mounted into the host's element");
      assert.equal(layout.loose, 0);
      assert.equal(layout.placeholder, false, "placeholder replaced");
      assert.deepEqual(layout.names, ["Oura Ring", "Fitbit", "Strava", "Withings"], "featured first, Garmin hidden");
      assert.match(layout.recommended, /Recommended/);
      await page.waitFor(() => !!document.querySelector('#activity li[data-event="thryve-connect:session-ready"]'));

      // The host's brand colour reaches the screen through --tc-accent.
      const accent = await page.evaluate(() => getComputedStyle(document.querySelector('[aria-label="Connect Oura Ring"]')).backgroundColor);
      assert.equal(accent, "rgb(47, 93, 80)");

      await page.click("Connect Oura Ring");
      await page.click("Allow");
      await waitForText(page, "Oura Ring is now connected.", STATUS);
      await waitForText(page, "Oura Ring: connect success", "#activity");
      assert.equal(await rowState(page, 18), "connected");

      // The host forces the dark theme over the system's light one.
      assert.equal(await background(page), "rgb(255, 255, 255)");
      await page.click("Dark theme");
      assert.equal(await background(page), "rgb(20, 23, 28)");
      await page.screenshot("static-host-dark");
    },
  },
];
