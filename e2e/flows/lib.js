// Helpers the shared flows use, written against the engine interface (see engines/index.js).
import assert from "node:assert/strict";
import { poll } from "../engines/common.js";

export const STATUS = '[role="status"]';
export const ALERT = '[role="alert"]';

/** Waits until the Connect button of `source` is there and enabled (the session arrived). */
export async function ready(page, source = "Fitbit") {
  await page.waitFor((name) => {
    const b = [...document.querySelectorAll("button")].find((x) => x.getAttribute("aria-label") === name);
    return !!b && !b.disabled && b.getClientRects().length > 0;
  }, `Connect ${source}`);
}

export const rowState = (page, id) =>
  page.evaluate((id) => document.querySelector(`[data-testid="source-${id}"]`)?.getAttribute("data-state") ?? null, id);

export const waitForRowState = (page, id, state) =>
  page.waitFor(([id, state]) => document.querySelector(`[data-testid="source-${id}"]`)?.dataset.state === state, [id, state]);

/** Waits until a visible element matching `scope` contains `text`. */
export const waitForText = (page, text, scope = "body") =>
  page.waitFor(
    ([text, scope]) => [...document.querySelectorAll(scope)].some((el) => el.getClientRects().length > 0 && el.textContent.includes(text)),
    [text, scope],
  );

/** The text of the first element matching `scope` (null when there is none). */
export const textOf = (page, scope) => page.evaluate((scope) => document.querySelector(scope)?.textContent ?? null, scope);

export const attributeOf = (page, scope, name) =>
  page.evaluate(([scope, name]) => document.querySelector(scope)?.getAttribute(name) ?? null, [scope, name]);

/** How many visible buttons carry this accessible name. */
export const buttonCount = (page, name) =>
  page.evaluate(
    (name) =>
      [...document.querySelectorAll("button")].filter(
        (b) => (b.getAttribute("aria-label") ?? b.textContent.trim()) === name && b.getClientRects().length > 0,
      ).length,
    name,
  );

/** Waits until the page's address matches (a RegExp, or a predicate on URL). */
export async function waitForUrl(page, match, timeout = 15_000) {
  const test = match instanceof RegExp ? (u) => match.test(u.href) : match;
  return poll(async () => test(new URL(await page.url())) && new URL(await page.url()), { timeout, message: `an address matching ${match}` });
}

/** Waits until the sandbox has handed out `n` sessions through the proxy; returns them. */
export async function sessions(server, n) {
  return poll(() => server.sessions().length >= n && server.sessions(), { message: `${n} token endpoint answers` });
}

export { assert };
