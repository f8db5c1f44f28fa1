// People sharing one browser, and returns that were not this tab's attempt. Chromium only: the
// rules are the screen's own (storage keys, nonces), not an engine's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { screens, ready, rowState } from "./harness.js";

const withScreen = screens();
// Without a status endpoint, the states shown are the ones this browser remembered.
const NO_STATUS = { pages: { "remembered.html": { attributes: { "data-heading-level": "1", "data-status-endpoint": "" } } } };

test("two people on one browser: the second never sees what the first connected", () =>
  withScreen(NO_STATUS, async ({ server, page, context }) => {
    await page.goto(`${server.url}/remembered.html`);
    await (await ready(page, "Fitbit")).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("status").getByText("Fitbit is now connected.").waitFor();
    await page.reload();
    await page.getByRole("button", { name: "Disconnect Fitbit", exact: true }).waitFor();
    assert.equal(await rowState(page, 1), "connected", "remembered for the same person");

    // The first person signs out (the sandbox names people by a cookie); someone else signs in.
    await context.clearCookies();
    await page.reload();
    await ready(page, "Garmin");
    assert.equal(await rowState(page, 1), "unknown", "nothing of the first person's");
    const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("thryve-connect:states")));
    assert.equal(keys.length, 1, `one entry, the first person's, under a key naming no one: ${keys}`);
    assert.match(keys[0], /^thryve-connect:states:[0-9a-f]{64}$/);
  }));

test("without a user key from the token endpoint, nothing is remembered across loads", () =>
  withScreen(NO_STATUS, async ({ server, page }) => {
    await server.behave({ userKey: false });
    await page.goto(`${server.url}/remembered.html`);
    await (await ready(page, "Oura")).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("status").getByText("Oura is now connected.").waitFor();
    assert.equal(await rowState(page, 18), "connected", "shown on the page it came back to");
    await page.reload();
    await ready(page, "Oura");
    assert.equal(await rowState(page, 18), "unknown");
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
  }));

test("a crafted return while an attempt is pending shows nothing and changes nothing", () =>
  withScreen(NO_STATUS, async ({ server, page }) => {
    await page.goto(`${server.url}/remembered.html`);
    await (await ready(page, "Fitbit")).click();
    await page.getByText("Allow Demo App to read your Fitbit data?").waitFor();
    // Instead of Thryve's way back, a link someone crafted (no nonce, or a wrong one).
    for (const query of ["?dataSource=1&connected=true", "?tc_attempt=0123&dataSource=1&connected=true"]) {
      await page.goto(`${server.url}/remembered.html${query}`);
      await ready(page, "Fitbit");
      await page.waitForFunction(() => location.search === "");
      assert.equal(await page.getByRole("status").textContent(), "", query);
      assert.equal(await rowState(page, 1), "unknown", query);
    }
  }));
