// Chromium only: axe-core audits of the list, result, confirmation and error states. Why only
// here: axe-core is evaluated through Playwright (DevTools), which keeps the page's strict CSP;
// the other drivers would have to run it as an injected script, and the audit is of the markup
// and styles, which the engines share. The flows themselves run in every engine (flows/*.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { screens, ready, axe } from "./harness.js";

const withScreen = screens();

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

test("accessibility: the search field with results and with none", () =>
  withScreen({}, async ({ server, page }) => {
    await page.goto(`${server.url}/`);
    await ready(page, "Fitbit");
    const search = page.getByRole("searchbox", { name: "Search data sources" });
    await search.fill("gar");
    await page.getByText("1 source matches").waitFor();
    assert.deepEqual(await page.locator(".tc-source:not([hidden]) .tc-source__name").allTextContents(), ["Garmin"]);
    assert.deepEqual(await axe(page), [], "search with a result");
    await search.fill("zzz");
    await page.getByText("No data source matches “zzz”.").waitFor();
    assert.deepEqual(await axe(page), [], "search with none");
    await page.getByRole("button", { name: "Clear search" }).click();
    assert.equal(await page.locator(".tc-source:not([hidden])").count(), 16);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("type")), "search", "focus back in the field");
  }));
