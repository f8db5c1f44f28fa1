// The product as a person uses it: the release build, the real server in sandbox mode, a real
// Chromium. Each test starts its own server, so tests run in parallel and leave nothing running.
import { test } from "node:test";
import assert from "node:assert/strict";
import { screens, ready, rowState, nextSessionToken, screenshot, axe } from "./harness.js";

const withScreen = screens();

test("first load: configured web sources, native ones without a button, enabled once the session arrives", () =>
  withScreen({ pages: { "mixed.html": { attributes: { "data-sources": "1,5,11,44,18", "data-show-native": "true" } } } }, async ({ server, page }) => {
    const session = page.waitForResponse((r) => r.url().endsWith("/api/connection-session"));
    await page.goto(`${server.url}/mixed.html`);
    const names = await page.locator(".tc-source__name").allTextContents();
    assert.deepEqual(names, ["Fitbit", "Apple Health", "Strava", "Health Connect", "Oura"]);
    assert.equal(await page.getByRole("button", { name: /Apple Health|Health Connect/ }).count(), 0);
    await page.getByText("Available in our mobile app").first().waitFor();
    await session;
    await ready(page, "Fitbit");
    await ready(page, "Oura");
    await screenshot(page, "list");
  }));

test("connect, allow: the sandbox gets the right URL, the user comes back to a success message", () =>
  withScreen({}, async ({ server, page }) => {
    const token = nextSessionToken(page);
    await page.goto(`${server.url}/`);
    const connect = await ready(page, "Fitbit");
    await connect.click();
    await page.waitForURL(/\/sandbox\/dataSourceDirectConnection\.html/);
    const at = new URL(page.url());
    assert.equal(at.searchParams.get("token"), await token);
    assert.equal(at.searchParams.get("dataSource"), "1");
    assert.equal(at.searchParams.get("redirect_uri"), `${server.url}/`);
    await page.getByText("Allow Demo App to read your Fitbit data?").waitFor();

    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL((u) => u.pathname === "/");
    const status = page.getByRole("status");
    await status.getByText("Fitbit is now connected.").waitFor();
    await page.waitForFunction(() => location.search === "");
    assert.equal(new URL(page.url()).search, "", "no result parameters left in the address");
    assert.equal(await rowState(page, 1), "connected");
    await screenshot(page, "result-success");

    await page.reload();
    await ready(page, "Garmin");
    assert.equal(await status.textContent(), "", "a reload shows no message again");
    await page.waitForFunction(() => document.querySelector('[data-testid="source-1"]').dataset.state === "connected");
    assert.equal(await page.getByRole("button", { name: "Disconnect Fitbit" }).count(), 1);
    assert.equal(await page.getByRole("button", { name: "Connect Fitbit", exact: true }).count(), 0);
  }));

test("connect, deny: a failure message and a way to try again", () =>
  withScreen({}, async ({ server, page }) => {
    await page.goto(`${server.url}/`);
    await (await ready(page, "Strava")).click();
    await page.getByRole("button", { name: "Deny" }).click();
    await page.getByRole("status").getByText("Strava was not connected.").waitFor();
    assert.equal(await page.getByRole("status").getAttribute("data-state"), "failure");
    assert.equal(await rowState(page, 11), "not-connected");
    await screenshot(page, "result-failure");
    await ready(page, "Strava");
    await page.getByRole("status").getByRole("button", { name: "Try again" }).click();
    await page.getByText("Allow Demo App to read your Strava data?").waitFor();
  }));

test("disconnect in background mode: confirmation, a revoke GET with direct=true, the page never navigates", () =>
  withScreen({}, async ({ server, page, context }) => {
    // Seed: Withings is connected for this browser's sandbox user.
    await context.request.get(`${server.url}/`);
    const session = await (
      await context.request.post(`${server.url}/api/connection-session`, { headers: { "content-type": "application/json" } })
    ).json();
    const token = new URL(session.data.url).searchParams.get("connectionSessionToken");
    await context.request.post(`${server.url}/sandbox/authorize`, {
      form: { token, dataSource: "8", decision: "allow" },
      maxRedirects: 0,
    });

    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.querySelector('[data-testid="source-8"]').dataset.state === "connected");
    let navigations = 0;
    page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations++);
    await ready(page, "Garmin");
    await page.getByRole("button", { name: "Disconnect Withings" }).click();
    await page.getByText("Disconnect Withings? We will stop receiving new data from it.").waitFor();
    assert.equal((await server.log()).filter((e) => e.event === "revoke").length, 0, "nothing before confirmation");
    await page.getByRole("button", { name: "Yes, disconnect Withings" }).click();

    await page.getByRole("status").getByText("Withings is now disconnected.").waitFor();
    const revokes = (await server.log()).filter((e) => e.event === "revoke");
    assert.equal(revokes.length, 1);
    assert.equal(revokes[0].direct, "true");
    assert.equal(revokes[0].dataSource, "8");
    assert.equal(revokes[0].outcome, "revoked");
    assert.equal(revokes[0].redirect_uri, null, "a background revoke needs no redirect");
    await page.waitForFunction(() => document.querySelector('[data-testid="source-8"]').dataset.state === "not-connected");
    assert.equal(navigations, 0, "the page never navigated");
    assert.equal(new URL(page.url()).pathname, "/");
  }));

test("expired tokens: an old one is refreshed before use; one the sandbox rejects gives a clear message and retry works", () =>
  withScreen({ pages: { "short.html": { attributes: { "data-token-max-age": "2" } } } }, async ({ server, page }) => {
    const first = nextSessionToken(page);
    await page.goto(`${server.url}/short.html`);
    await ready(page, "Polar");
    const firstToken = await first;
    await page.waitForTimeout(2500);
    await (await ready(page, "Polar")).click();
    await page.waitForURL(/dataSourceDirectConnection/);
    const used = new URL(page.url()).searchParams.get("token");
    assert.notEqual(used, firstToken, "a fresh token was fetched");
    await page.getByText("Allow Demo App to read your Polar data?").waitFor();

    // The sandbox now rejects every token it issued; the page does not know yet.
    await page.goBack();
    await ready(page, "Oura");
    await server.expireTokens();
    await (await ready(page, "Oura")).click();
    await page.getByRole("status").getByText("Oura was not connected.").waitFor();
    const refused = (await server.log()).filter((e) => e.event === "connect-page" && e.outcome === "refused");
    assert.equal(refused.length, 1);
    await ready(page, "Oura");
    await page.getByRole("status").getByRole("button", { name: "Try again" }).click();
    await page.getByText("Allow Demo App to read your Oura data?").waitFor();
  }));

for (const fault of ["down", "garbage"]) {
  test(`token endpoint ${fault}: an error with Retry; Retry after recovery works`, () =>
    withScreen({}, async ({ server, page }) => {
      await server.fault(fault);
      await page.goto(`${server.url}/`);
      const alert = page.getByRole("alert");
      await alert.getByText("We couldn't prepare the connection.").waitFor();
      assert.equal(await page.getByRole("button", { name: "Connect Fitbit", exact: true }).isDisabled(), true);
      if (fault === "down") await screenshot(page, "session-error");
      await server.fault("ok");
      await page.getByRole("button", { name: "Try again" }).click();
      await ready(page, "Fitbit");
      assert.equal(await alert.count(), 0);
    }));
}

test("new-tab mode: Connect opens a tab without redirect_uri; the first tab refreshes when it gets focus", () =>
  withScreen({ pages: { "tab.html": { attributes: { "data-open": "new-tab" } } } }, async ({ server, page, context }) => {
    await page.goto(`${server.url}/tab.html`);
    await ready(page, "Fitbit");
    assert.equal(await rowState(page, 1), "not-connected");
    const [tab] = await Promise.all([context.waitForEvent("page"), page.getByRole("button", { name: "Connect Fitbit", exact: true }).click()]);
    await tab.waitForURL(/dataSourceDirectConnection/);
    const at = new URL(tab.url());
    assert.equal(at.searchParams.get("dataSource"), "1");
    assert.equal(at.searchParams.has("redirect_uri"), false);
    await page.getByRole("status").getByText("Fitbit opened in a new tab.").waitFor();
    await tab.getByRole("button", { name: "Allow" }).click();
    await tab.getByText("Fitbit is connected.").waitFor();
    assert.equal(new URL(page.url()).pathname, "/tab.html", "the first tab stayed");
    await tab.close();
    await page.bringToFront();
    await page.waitForFunction(() => document.querySelector('[data-testid="source-1"]').dataset.state === "connected");
  }));

test("a crafted or nonsensical return shows no success and does not crash", () =>
  withScreen({}, async ({ server, page }) => {
    for (const query of [
      "?connected=true&dataSource=1",
      "?connected=true&connected=false&dataSource=1",
      "?connected=banana&dataSource=%00%FF",
      "?dataSource=1?connected=true",
      "?connected",
    ]) {
      await page.goto(`${server.url}/${query}`);
      await ready(page, "Fitbit");
      await page.waitForFunction(() => !location.search.includes("connected"));
      assert.equal(await page.getByRole("status").textContent(), "", query);
      assert.equal(await rowState(page, 1), "not-connected", query);
    }
  }));

test("keyboard only: Tab, Enter and Space do everything, with visible focus", () =>
  withScreen({}, async ({ server, page }) => {
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
        await page.keyboard.press("Tab");
        const now = await focused();
        if (now.name === name) {
          assert.equal(now.ring, true, `${name} shows focus`);
          return;
        }
      }
      assert.fail(`could not Tab to ${name}`);
    }
    await tabTo("Connect Fitbit");
    await page.keyboard.press("Enter");
    await page.waitForURL(/dataSourceDirectConnection/);
    for (let i = 0; i < 10 && (await focused()).name !== "Allow"; i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Fitbit is now connected.").waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="source-1"]').dataset.state === "connected");

    // Space opens the confirmation; Escape cancels it and puts focus back.
    await tabTo("Disconnect Fitbit");
    await page.keyboard.press("Space");
    await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Yes, disconnect Fitbit");
    assert.equal((await focused()).ring, true, "the confirmation shows focus");
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Disconnect Fitbit");

    await page.keyboard.press("Space");
    await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Yes, disconnect Fitbit");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Fitbit is now disconnected.").waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="source-1"]').dataset.state === "not-connected");
  }));

test("accessibility: axe-core finds no violations in the list, error and result states", () =>
  withScreen({}, async ({ server, page }) => {
    await page.goto(`${server.url}/`);
    await ready(page, "Fitbit");
    assert.deepEqual(await axe(page), [], "list");

    await (await ready(page, "Garmin")).click();
    await page.getByRole("button", { name: "Deny" }).click();
    await page.getByRole("status").getByText("Garmin was not connected.").waitFor();
    assert.deepEqual(await axe(page), [], "result");

    await ready(page, "Garmin");
    await page.getByRole("status").getByRole("button", { name: "Try again" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("status").getByText("Garmin is now connected.").waitFor();
    assert.deepEqual(await axe(page), [], "success");
    await ready(page, "Fitbit");
    await page.getByRole("button", { name: "Disconnect Garmin" }).click();
    await page.getByRole("button", { name: "Yes, disconnect Garmin" }).waitFor();
    assert.deepEqual(await axe(page), [], "confirmation");

    await server.fault("down");
    await page.reload();
    await page.getByRole("alert").waitFor();
    assert.deepEqual(await axe(page), [], "error");
  }));
