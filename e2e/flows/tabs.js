// New-tab mode, crafted returns, and the keyboard alone.
import { assert, ready, rowState, waitForRowState, waitForText, textOf, waitForUrl, STATUS } from "./lib.js";

export const flows = [
  {
    // The tab must open from inside the real click: WebKit (like Safari) blocks window.open
    // from a script without one.
    name: "new-tab mode: Connect opens a tab without redirect_uri; the first tab refreshes when it gets focus",
    server: { pages: { "tab.html": { attributes: { "data-open": "new-tab" } } } },
    async run({ server, page }) {
      await page.goto(`${server.url}/tab.html`);
      await ready(page, "Fitbit");
      assert.equal(await rowState(page, 1), "not-connected");
      const tab = await page.waitForNewPage(() => page.click("Connect Fitbit"));
      const at = await waitForUrl(tab, /dataSourceDirectConnection/);
      assert.equal(at.searchParams.get("dataSource"), "1");
      assert.equal(at.searchParams.has("redirect_uri"), false);
      await waitForText(page, "Fitbit opened in a new tab.", STATUS);
      await tab.click("Allow");
      await waitForText(tab, "Fitbit is connected.");
      assert.equal(new URL(await page.url()).pathname, "/tab.html", "the first tab stayed");
      await tab.close();
      await page.bringToFront();
      await waitForRowState(page, 1, "connected");
    },
  },
  {
    name: "a crafted or nonsensical return shows no success and does not crash",
    async run({ server, page }) {
      for (const query of [
        "?connected=true&dataSource=1",
        "?connected=true&connected=false&dataSource=1",
        "?connected=banana&dataSource=%00%FF",
        "?dataSource=1?connected=true",
        "?connected",
      ]) {
        await page.goto(`${server.url}/${query}`);
        await ready(page, "Fitbit");
        await page.waitFor(() => !location.search.includes("connected"));
        assert.equal(await textOf(page, STATUS), "", query);
        assert.equal(await rowState(page, 1), "not-connected", query);
      }
    },
  },
  {
    name: "keyboard only: Tab, Enter and Space do everything, with visible focus",
    async run({ server, page }) {
      await page.goto(`${server.url}/`);
      await ready(page, "Fitbit");
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {
            name: el.getAttribute("aria-label") ?? el.textContent.trim(),
            ring: style.boxShadow !== "none" || (style.outlineStyle !== "none" && style.outlineWidth !== "0px"),
          };
        });
      async function tabTo(name) {
        for (let i = 0; i < 40; i++) {
          await page.press("Tab");
          const now = await focused();
          if (now.name === name) {
            assert.equal(now.ring, true, `${name} shows focus`);
            return;
          }
        }
        assert.fail(`could not Tab to ${name}`);
      }
      const focusIs = (name) => page.waitFor((name) => document.activeElement?.getAttribute("aria-label") === name, name);
      await tabTo("Connect Fitbit");
      await page.press("Enter");
      await waitForUrl(page, /dataSourceDirectConnection/);
      await waitForText(page, "Allow Demo App to read your Fitbit data?");
      for (let i = 0; i < 10 && (await focused()).name !== "Allow"; i++) await page.press("Tab");
      assert.equal((await focused()).name, "Allow", "Tab reaches Allow");
      await page.press("Enter");
      await waitForText(page, "Fitbit is now connected.", STATUS);
      await waitForRowState(page, 1, "connected");

      // Space opens the confirmation; Escape cancels it and puts focus back.
      await tabTo("Disconnect Fitbit");
      await page.press("Space");
      await focusIs("Yes, disconnect Fitbit");
      assert.equal((await focused()).ring, true, "the confirmation shows focus");
      await page.press("Escape");
      await focusIs("Disconnect Fitbit");

      await page.press("Space");
      await focusIs("Yes, disconnect Fitbit");
      await page.press("Enter");
      await waitForText(page, "Fitbit is now disconnected.", STATUS);
      await waitForRowState(page, 1, "not-connected");
    },
  },
];
