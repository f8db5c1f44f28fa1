// Connecting: the first load, allow, deny, and Back from Thryve's page.
import { ENGINE } from "../engines/index.js";
import { assert, ready, rowState, waitForRowState, waitForText, textOf, attributeOf, buttonCount, waitForUrl, sessions, STATUS } from "./lib.js";

const CONSENT = /\/sandbox\/dataSourceDirectConnection\.html/;

export const flows = [
  {
    name: "first load: configured web sources, native ones without a button, enabled once the session arrives",
    server: { pages: { "mixed.html": { attributes: { "data-sources": "1,5,11,44,18", "data-show-native": "true" } } } },
    async run({ server, page }) {
      await page.goto(`${server.url}/mixed.html`);
      // WebKit's driver returns from a load before the wasm has drawn the list.
      await page.waitFor(() => document.querySelectorAll(".tc-source__name").length > 0);
      const names = await page.evaluate(() => [...document.querySelectorAll(".tc-source__name")].map((n) => n.textContent));
      assert.deepEqual(names, ["Fitbit", "Apple Health", "Strava", "Health Connect", "Oura"]);
      const nativeButtons = await page.evaluate(
        () => [...document.querySelectorAll("button")].filter((b) => /Apple Health|Health Connect/.test(b.getAttribute("aria-label") ?? b.textContent)).length,
      );
      assert.equal(nativeButtons, 0);
      await waitForText(page, "Available in our mobile app", ".tc-source");
      const [session] = await sessions(server, 1);
      assert.equal(session.status, 200);
      await ready(page, "Fitbit");
      await ready(page, "Oura");
      await page.screenshot("list");
    },
  },
  {
    name: "connect, allow: the sandbox gets the right URL, the user comes back to a success message",
    async run({ server, page }) {
      await page.goto(`${server.url}/`);
      await ready(page, "Fitbit");
      await page.click("Connect Fitbit");
      const at = await waitForUrl(page, CONSENT);
      const [first] = await sessions(server, 1);
      assert.equal(at.searchParams.get("token"), first.token);
      assert.equal(at.searchParams.get("dataSource"), "1");
      // Back to this page, with the attempt's nonce that binds the return to this attempt.
      assert.match(at.searchParams.get("redirect_uri"), new RegExp(`^${server.url}/\\?tc_attempt=[0-9a-f]{32}$`));
      await waitForText(page, "Allow Demo App to read your Fitbit data?");

      await page.click("Allow");
      await waitForUrl(page, (u) => u.pathname === "/");
      await waitForText(page, "Fitbit is now connected.", STATUS);
      await page.waitFor(() => location.search === "");
      assert.equal(new URL(await page.url()).search, "", "no result parameters left in the address");
      assert.equal(await rowState(page, 1), "connected");
      await page.screenshot("result-success");

      await page.reload();
      await ready(page, "Garmin");
      assert.equal(await textOf(page, STATUS), "", "a reload shows no message again");
      await waitForRowState(page, 1, "connected");
      assert.equal(await buttonCount(page, "Disconnect Fitbit"), 1);
      assert.equal(await buttonCount(page, "Connect Fitbit"), 0);
    },
  },
  {
    name: "connect, deny: a failure message and a way to try again",
    async run({ server, page }) {
      await page.goto(`${server.url}/`);
      await ready(page, "Strava");
      await page.click("Connect Strava");
      await page.click("Deny");
      await waitForText(page, "Strava was not connected.", STATUS);
      assert.equal(await attributeOf(page, STATUS, "data-state"), "failure");
      assert.equal(await rowState(page, 11), "not-connected");
      await page.screenshot("result-failure");
      await ready(page, "Strava");
      await page.click("Try again", { within: STATUS });
      await waitForText(page, "Allow Demo App to read your Strava data?");
    },
  },
  {
    // The user presses the browser's Back button on Thryve's page instead of finishing. The page
    // comes back from the back/forward cache (pageshow with persisted) or is loaded again; either
    // way it must not stay "connecting", must show no result, and must work again. Chromium runs
    // this with the back/forward cache on (Playwright turns it off by default); Firefox here
    // reloads (see engines/firefox.js).
    name: "back from Thryve's page: not stuck connecting, no result, and Connect works again",
    page: { backForwardCache: true },
    async run({ server, page }) {
      await page.goto(`${server.url}/`);
      await ready(page, "Fitbit");
      await page.evaluate(() => (window.__e2eBeforeLeaving = true));
      await page.click("Connect Fitbit");
      await waitForUrl(page, CONSENT);
      await waitForText(page, "Allow Demo App to read your Fitbit data?");

      await page.back();
      await waitForUrl(page, (u) => u.pathname === "/" && !CONSENT.test(u.href));
      const restored = await page.evaluate(() => window.__e2eBeforeLeaving === true);
      console.log(`# ${ENGINE}: Back ${restored ? "restored the page from the back/forward cache" : "loaded the page again"}`);
      const settled = () =>
        page.waitFor(
          () =>
            document.querySelectorAll('.tc-source[data-state="connecting"], .tc-source[data-state="disconnecting"], [aria-busy="true"]').length === 0,
        );
      await settled();
      await ready(page, "Fitbit");
      await ready(page, "Garmin");
      // Still so a moment later: nothing pending flips it back.
      await new Promise((r) => setTimeout(r, 1000));
      await settled();
      assert.equal(await textOf(page, STATUS), "", "no result is shown");
      assert.equal(await rowState(page, 1), "not-connected");
      assert.ok(!/[?&](connected|dataSource)=/.test(await page.url()), "no result in the address");

      await page.click("Connect Fitbit");
      const at = await waitForUrl(page, CONSENT);
      assert.equal(at.searchParams.get("dataSource"), "1");
      await waitForText(page, "Allow Demo App to read your Fitbit data?");
    },
  },
];
