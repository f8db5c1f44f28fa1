// Firefox (Debian's firefox-esr) through puppeteer-core over WebDriver BiDi.
//
// - `browser.sessionhistory.max_total_viewers = 0`: without it `goBack()` never resolves (the
//   page comes back from the back/forward cache without the load event Puppeteer waits for), so
//   Back always reloads the page in Firefox here.
// - BiDi has no media emulation: the colour scheme is a browser-wide pref, so a dark page gets
//   a second browser launched with `layout.css.prefers-color-scheme.content-override = 0`.
// - Each page gets its own browser context (cookies and storage apart), as in Chromium.
import puppeteer from "puppeteer-core";
import { DEFAULT_VIEWPORT, MARK_BUTTON, READ_PROBLEMS, RECORDER, poll, shotPath, within } from "./common.js";

const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";

function launchFirefox(scheme) {
  return within(
    60_000,
    "launching Firefox",
    puppeteer.launch({
      browser: "firefox",
      executablePath: FIREFOX,
      headless: true,
      protocolTimeout: 30_000,
      extraPrefsFirefox: {
        "browser.sessionhistory.max_total_viewers": 0,
        "layout.css.prefers-color-scheme.content-override": scheme === "dark" ? 0 : 1,
        "intl.accept_languages": "en-US, en",
      },
    }),
  );
}

export async function start() {
  const browsers = { light: await launchFirefox("light") };
  return {
    name: "firefox",
    version: await browsers.light.version(),
    async newPage({ viewport = DEFAULT_VIEWPORT, colorScheme = "light" } = {}) {
      browsers[colorScheme] ??= await launchFirefox(colorScheme);
      const context = await browsers[colorScheme].createBrowserContext();
      const page = await context.newPage();
      return wrap(context, page, viewport, true);
    },
    async close() {
      for (const browser of Object.values(browsers)) {
        await within(20_000, "closing Firefox", browser.close()).catch(() => browser.process()?.kill("SIGKILL"));
      }
    },
  };
}

async function wrap(context, page, viewport, main) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
  });
  await page.evaluateOnNewDocument(RECORDER);
  await page.setViewport(viewport);
  page.setDefaultTimeout(30_000);
  let mark = 0;
  const evaluate = (fn, arg) => page.evaluate(fn, arg);
  return {
    raw: page,
    goto: async (url) => void (await page.goto(url)),
    url: async () => page.url(),
    evaluate,
    waitFor: (fn, arg, { timeout = 15_000 } = {}) => poll(() => evaluate(fn, arg), { timeout, message: String(fn).slice(0, 200) }),
    async click(name, { within: scope = "body" } = {}) {
      const id = `m${++mark}`;
      await poll(async () => (await page.evaluate(new Function(MARK_BUTTON), name, scope, id)) === "ok", {
        message: `the button "${name}" in ${scope}`,
      });
      await page.click(`[data-e2e-target="${id}"]`);
    },
    press: (key) => page.keyboard.press(key === "Space" ? " " : key),
    back: async () => void (await page.goBack()),
    reload: async () => void (await page.reload()),
    async waitForNewPage(action) {
      const created = new Promise((resolve) => context.once("targetcreated", resolve));
      await action();
      const target = await within(15_000, "a new tab", created);
      const tab = await target.page();
      return wrap(context, tab, viewport, false);
    },
    trackNavigations() {
      let count = 0;
      page.on("framenavigated", (frame) => frame === page.mainFrame() && count++);
      return async () => count;
    },
    bringToFront: () => page.bringToFront(),
    async screenshot(name) {
      await page.screenshot({ path: await shotPath("firefox", name), fullPage: true });
    },
    async problems() {
      const recorded = await page.evaluate(new Function(READ_PROBLEMS)).catch(() => []);
      return [...new Set([...problems, ...recorded])];
    },
    close: () => (main ? context.close() : page.close()),
  };
}
