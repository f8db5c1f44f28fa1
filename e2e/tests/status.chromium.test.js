// What the status tells beyond "connected" (since when, last data, reconnect), and a language
// with more plural forms than English. Chromium only: dates and plurals come from the browser's
// Intl, which every engine has; the screen's part is the same everywhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { screens, ready, axe } from "./harness.js";

const withScreen = screens();

const row = (page, id) => page.locator(`[data-testid="source-${id}"]`);

/** The sandbox user this browser is (the sandbox names browsers by a cookie). */
async function sandboxUser(context) {
  const cookie = (await context.cookies()).find((c) => c.name === "tc_sandbox_user");
  assert.ok(cookie, "the sandbox named this browser");
  return cookie.value;
}

test("the status says since when and when data last came, and asks for a reconnect", () =>
  withScreen({}, async ({ server, page, context }) => {
    await page.goto(`${server.url}/`);
    await (await ready(page, "Fitbit")).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("status").getByText("Fitbit is now connected.").waitFor();
    // The sandbox answers objects: the row shows them in the user's date format.
    await row(page, 1).getByText(/^Connected since [A-Z][a-z]{2} \d{1,2}, \d{4}$/).waitFor();
    await row(page, 1).getByText(/^Last data: [A-Z][a-z]{2} \d{1,2}, \d{4}/).waitFor();

    // The source's authorisation lapses: the status asks for a reconnect.
    const marked = await server.needsReconnect(await sandboxUser(context), 1);
    assert.equal(marked.status, 204);
    await page.goto(`${server.url}/`);
    const reconnect = page.getByRole("button", { name: "Reconnect Fitbit", exact: true });
    await reconnect.waitFor();
    await row(page, 1).getByText("Needs to be reconnected").waitFor();
    assert.ok(await page.getByRole("button", { name: "Disconnect Fitbit", exact: true }).isVisible());
    assert.deepEqual(await axe(page), [], "a row that needs a reconnect");

    // Reconnect goes through Thryve's connect page, and the flag is gone afterwards.
    await page.waitForFunction(() => !document.querySelector('[aria-label="Reconnect Fitbit"]').disabled);
    await reconnect.click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("status").getByText("Fitbit is now connected.").waitFor();
    await row(page, 1).getByText(/^Connected since/).waitFor();
    assert.equal(await row(page, 1).getAttribute("data-reconnect"), null);
    assert.equal(await page.getByRole("button", { name: "Reconnect Fitbit" }).count(), 0);
  }));

test("Polish: the one and few forms after real connects (many is in the browser tests)", () =>
  withScreen({ pages: { "pl.html": { lang: "pl" } } }, async ({ server, page }) => {
    await page.goto(`${server.url}/pl.html`);
    const connect = async (name, expected) => {
      const button = page.getByRole("button", { name: `Połącz z ${name}`, exact: true });
      await button.waitFor();
      await page.waitForFunction((label) => {
        const b = document.querySelector(`[aria-label="${label}"]`);
        return b && !b.disabled;
      }, `Połącz z ${name}`);
      await button.click();
      await page.getByRole("button", { name: "Allow" }).click();
      await page.getByRole("status").getByText(`Połączono z ${name}.`).waitFor();
      await page.getByText(expected, { exact: true }).waitFor();
    };
    await connect("Fitbit", "1 źródło połączone");
    await connect("Garmin", "2 źródła połączone");
    assert.equal(await page.locator("html").getAttribute("lang"), "pl");
    assert.equal(await page.locator(".tc-screen").getAttribute("lang"), "pl");
    // "Połączone od …": the date in Polish.
    await row(page, 1).getByText(/^Połączone od \d{1,2} [a-ząćęłńóśźż]{3}\.? \d{4}$/).waitFor();
  }));
