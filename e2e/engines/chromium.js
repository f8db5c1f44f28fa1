// Chromium (Debian's) through playwright-core: the reference engine. The Chromium-only tests use
// Playwright directly; the shared flows use this layer.
import { chromium } from "playwright-core";
import { launch, openPage } from "../tests/harness.js";
import { DEFAULT_VIEWPORT, shotPath } from "./common.js";

export async function start() {
  const browser = await launch();
  let withCache; // a second browser with the back/forward cache on (Playwright turns it off)
  return {
    name: "chromium",
    version: browser.version(),
    async newPage({ viewport = DEFAULT_VIEWPORT, colorScheme = "light", backForwardCache = false } = {}) {
      let owner = browser;
      if (backForwardCache) {
        withCache ??= await chromium.launch({
          executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"],
          ignoreDefaultArgs: ["--disable-back-forward-cache"],
        });
        owner = withCache;
      }
      const { context, page, problems } = await openPage(owner, { viewport, colorScheme });
      return wrap(context, page, problems);
    },
    async close() {
      await withCache?.close();
      await browser.close();
    },
  };
}

function wrap(context, page, problems, main = true) {
  return {
    raw: page,
    goto: async (url) => void (await page.goto(url)),
    url: async () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: async (fn, arg, { timeout = 15_000 } = {}) => void (await page.waitForFunction(fn, arg, { timeout })),
    click: (name, { within = "body" } = {}) => page.locator(within).getByRole("button", { name, exact: true }).click(),
    press: (key) => page.keyboard.press(key),
    // "commit": a page restored from the back/forward cache fires no load event.
    back: async () => void (await page.goBack({ waitUntil: "commit" })),
    reload: async () => void (await page.reload()),
    async waitForNewPage(action) {
      const [tab] = await Promise.all([context.waitForEvent("page"), action()]);
      return wrap(context, tab, problems, false);
    },
    trackNavigations() {
      let count = 0;
      page.on("framenavigated", (frame) => frame === page.mainFrame() && count++);
      return async () => count;
    },
    bringToFront: () => page.bringToFront(),
    async screenshot(name) {
      await page.screenshot({ path: await shotPath("chromium", name), fullPage: true });
    },
    problems: async () => problems.slice(),
    close: () => (main ? context.close() : page.close()),
  };
}
