// Disconnecting in the background, token expiry and rejection, and the token endpoint failing.
import { assert, ready, rowState, waitForRowState, waitForText, waitForUrl, sessions, STATUS, ALERT } from "./lib.js";

export const flows = [
  {
    name: "disconnect in background mode: confirmation, a revoke GET with direct=true, the page never navigates",
    async run({ server, page }) {
      // Seed: Withings is connected for this browser's sandbox user (same-origin requests from
      // the page carry its sandbox cookie in every engine).
      await page.goto(`${server.url}/`);
      await ready(page, "Fitbit");
      const seeded = await page.evaluate(async () => {
        const session = await (await fetch("/api/connection-session", { method: "POST", headers: { "content-type": "application/json" } })).json();
        const token = new URL(session.data.url).searchParams.get("connectionSessionToken");
        const answer = await fetch("/sandbox/authorize", {
          method: "POST",
          body: new URLSearchParams({ token, dataSource: "8", decision: "allow" }),
          redirect: "manual",
        });
        return answer.type === "opaqueredirect" || answer.ok;
      });
      assert.ok(seeded, "seeded");

      await page.goto(`${server.url}/`);
      await waitForRowState(page, 8, "connected");
      const navigations = page.trackNavigations();
      await ready(page, "Garmin");
      await page.click("Disconnect Withings");
      await waitForText(page, "Disconnect Withings? We will stop receiving new data from it.");
      assert.equal((await server.log()).filter((e) => e.event === "revoke").length, 0, "nothing before confirmation");
      await page.click("Yes, disconnect Withings");

      await waitForText(page, "Withings is now disconnected.", STATUS);
      const revokes = (await server.log()).filter((e) => e.event === "revoke");
      assert.equal(revokes.length, 1);
      assert.equal(revokes[0].direct, "true");
      assert.equal(revokes[0].dataSource, "8");
      assert.equal(revokes[0].outcome, "revoked");
      assert.equal(revokes[0].redirect_uri, null, "a background revoke needs no redirect");
      await waitForRowState(page, 8, "not-connected");
      assert.equal(await navigations(), 0, "the page never navigated");
      assert.equal(new URL(await page.url()).pathname, "/");
    },
  },
  {
    name: "expired tokens: an old one is refreshed before use; one the sandbox rejects gives a clear message and retry works",
    server: { pages: { "short.html": { attributes: { "data-token-max-age": "2" } } } },
    async run({ server, page }) {
      await page.goto(`${server.url}/short.html`);
      await ready(page, "Polar");
      const [first] = await sessions(server, 1);
      await new Promise((r) => setTimeout(r, 2500));
      await ready(page, "Polar");
      await page.click("Connect Polar");
      const at = await waitForUrl(page, /dataSourceDirectConnection/);
      assert.notEqual(at.searchParams.get("token"), first.token, "a fresh token was fetched");
      await waitForText(page, "Allow Demo App to read your Polar data?");

      // The sandbox now rejects every token it issued; the page does not know yet.
      await page.back();
      await waitForUrl(page, (u) => u.pathname === "/short.html");
      await ready(page, "Oura");
      await server.expireTokens();
      await ready(page, "Oura");
      await page.click("Connect Oura");
      await waitForText(page, "Oura was not connected.", STATUS);
      const refused = (await server.log()).filter((e) => e.event === "connect-page" && e.outcome === "refused");
      assert.equal(refused.length, 1);
      await ready(page, "Oura");
      await page.click("Try again", { within: STATUS });
      await waitForText(page, "Allow Demo App to read your Oura data?");
    },
  },
  ...["down", "garbage"].map((fault) => ({
    name: `token endpoint ${fault}: an error with Retry; Retry after recovery works`,
    async run({ server, page }) {
      await server.fault(fault);
      await page.goto(`${server.url}/`);
      await waitForText(page, "We couldn't prepare the connection.", ALERT);
      const disabled = await page.evaluate(() => document.querySelector('[aria-label="Connect Fitbit"]')?.disabled);
      assert.equal(disabled, true);
      if (fault === "down") await page.screenshot("session-error");
      await server.fault("ok");
      await page.click("Try again");
      await ready(page, "Fitbit");
      assert.equal(await page.evaluate(() => document.querySelectorAll('[role="alert"]').length), 0);
    },
  })),
];
