// Chromium only (why: these are pixel geometry checks of the CSS at exact viewport widths with
// Playwright's viewport emulation; MiniBrowser's viewport is a resized window that cannot go below
// 447 px, and the shared theme flows already check every engine for horizontal scroll).
// Phone-first layout: compact rows from 360 px up, touch targets, no overflow or overlap, and
// the disconnect confirmation keeping the row's state text. Prints rows per first screen and row
// height at 390x844 (the closing notes and README quote them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { screens, ready, screenshot, axe, MOUNT_WITH_FRAME, HTML_LANG } from "./harness.js";

const withScreen = screens();
const DIST_DIR = resolve(process.env.DIST_DIR ?? "../dist");
const LONG_NAME = "Fitbit Charge Six Premium Edition Plus XL"; // 41 characters

/** A copy of the standalone page whose mount element carries `attributes` and a JSON block. */
async function pageWith(attributes, json) {
  const index = await readFile(join(DIST_DIR, "index.html"), "utf8");
  const attrs = Object.entries({ "data-heading-level": "1", ...attributes })
    .map(([k, v]) => ` ${k}="${v}"`)
    .join("");
  const block = json ? `<script type="application/json">${JSON.stringify(json)}</script>` : "";
  return {
    html: index.replace(MOUNT_WITH_FRAME, `<div id="thryve-connect"${attrs}>${block}`),
  };
}

/** Geometry of every row: its box, its name's and its actions' boxes, and its buttons. */
function measureRows(page) {
  return page.evaluate(() => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height };
    };
    return [...document.querySelectorAll(".tc-source")].map((row) => ({
      id: row.dataset.sourceId,
      row: box(row),
      overflows: row.scrollWidth > row.clientWidth + 0.5,
      name: box(row.querySelector(".tc-source__name")),
      actions: row.querySelector(".tc-source__actions") ? box(row.querySelector(".tc-source__actions")) : null,
      buttons: [...row.querySelectorAll("button")].map((b) => ({ label: b.getAttribute("aria-label") ?? b.textContent, ...box(b), className: b.className })),
    }));
  });
}

const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

/** The checks every width shares. */
async function checkLayout(page, width) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${width} px: no horizontal scroll (${overflow} px)`);
  const rows = await measureRows(page);
  assert.ok(rows.length > 0);
  for (const row of rows) {
    assert.ok(!row.overflows, `${width} px: row ${row.id} overflows`);
    for (const button of row.buttons) {
      assert.ok(button.width >= 44 && button.height >= 44, `${width} px: "${button.label}" is ${button.width}x${button.height}`);
      assert.ok(button.right <= row.row.right + 0.5 && button.left >= row.row.left - 0.5, `${width} px: "${button.label}" leaves its row`);
      assert.ok(!overlap(button, row.name), `${width} px: "${button.label}" overlaps the name of row ${row.id}`);
    }
  }
  return rows;
}

for (const width of [320, 360, 390, 768, 1280]) {
  test(`layout at ${width} px: no overflow, 44 px targets, name and action apart; compact from 360 px`, () =>
    withScreen({}, { viewport: { width, height: 844 } }, async ({ server, page }) => {
      await page.goto(`${server.url}/`);
      await ready(page);
      // The sandbox's status endpoint makes every state known: one action per row.
      await page.waitForFunction(() => document.querySelectorAll('.tc-source[data-state="not-connected"]').length > 0);
      const rows = await checkLayout(page, width);
      if (width === 390) {
        const height = await page.evaluate(() => window.innerHeight);
        const visible = rows.filter((r) => r.row.top >= 0 && r.row.bottom <= height).length;
        const rowHeight = Math.round(rows[0].row.height);
        console.log(`# layout at 390x844: ${visible} rows fully visible in the first screen, row height ${rowHeight} px`);
        assert.ok(visible >= 8, `at least 8 rows in the first screen at 390x844 (${visible}, rows ${rowHeight} px)`);
      }
      for (const row of rows) {
        const sideBySide = row.actions && row.actions.top < row.name.bottom && row.actions.left >= row.name.right;
        if (width >= 360) assert.ok(sideBySide, `${width} px: row ${row.id} keeps its action beside the name`);
        else assert.ok(!sideBySide, `${width} px: row ${row.id} stacks its action under the name`);
      }
      await screenshot(page, `layout-${width}`);
    }));
}

test("unknown states (two actions) fit at 360 px: Connect primary, Disconnect quieter", async () =>
  withScreen(
    { pages: { "unknown.html": await pageWith({ "data-token-endpoint": "/api/connection-session", "data-status-endpoint": "" }) } },
    { viewport: { width: 360, height: 844 } },
    async ({ server, page }) => {
      await page.goto(`${server.url}/unknown.html`);
      await ready(page);
      assert.equal(await page.locator('[data-testid="source-1"]').getAttribute("data-state"), "unknown");
      const rows = await checkLayout(page, 360);
      for (const row of rows) {
        const [connect, disconnect] = row.buttons;
        assert.match(connect.className, /tc-button--primary/);
        assert.match(disconnect.className, /tc-button--secondary/);
        assert.ok(Math.abs(connect.top - disconnect.top) < 1, `row ${row.id}: both actions on one line`);
      }
      assert.deepEqual(await axe(page), [], "axe-core: no violations");
      await screenshot(page, "layout-360-unknown");
    },
  ));

test("long names wrap inside the row and stay whole for assistive technology", async () =>
  withScreen(
    { pages: { "long.html": await pageWith({ "data-token-endpoint": "/api/connection-session" }, { names: { 1: LONG_NAME } }) } },
    { viewport: { width: 320, height: 844 } },
    async ({ server, page }) => {
      await page.goto(`${server.url}/long.html`);
      await ready(page, LONG_NAME);
      await checkLayout(page, 320);
      const name = page.locator('[data-testid="source-1"] .tc-source__name');
      assert.equal((await name.textContent()).trim(), LONG_NAME);
      await page.getByRole("button", { name: `Connect ${LONG_NAME}`, exact: true }).waitFor();
      await page.setViewportSize({ width: 390, height: 844 });
      await checkLayout(page, 390);
    },
  ));

test("the disconnect confirmation keeps the row's state text and fits the compact row", () =>
  withScreen({}, { viewport: { width: 390, height: 844 } }, async ({ server, page }) => {
    await page.goto(`${server.url}/`);
    await (await ready(page, "Oura")).click();
    await page.getByRole("button", { name: "Allow" }).click();
    const disconnect = page.getByRole("button", { name: "Disconnect Oura", exact: true });
    await disconnect.waitFor();
    const row = page.locator('[data-testid="source-18"]');
    // The row says "Connected" from the return, then "Connected since …" once the status answers.
    await row.getByText(/^Connected since /).waitFor();
    assert.match((await row.locator(".tc-source__state").textContent()).trim(), /^Connected since /);
    await disconnect.click();
    const yes = page.getByRole("button", { name: "Yes, disconnect Oura", exact: true });
    await yes.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Yes, disconnect Oura", "focus moves into the confirmation");
    assert.equal(await row.getAttribute("data-state"), "connected");
    assert.match((await row.locator(".tc-source__state").textContent()).trim(), /^Connected since /, "the known state stays while confirming");
    await checkLayout(page, 390);
    assert.deepEqual(await axe(page), [], "axe-core: no violations while confirming");
    await screenshot(page, "layout-390-confirming");
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Disconnect Oura");
  }));

test("a right-to-left page mirrors the screen: actions at the inline end, bars at the inline start, nothing overflows at 320 px", async () => {
  const page = await pageWith({ "data-token-endpoint": "/api/connection-session" });
  const rtl = { html: page.html.replace(HTML_LANG, '<html lang="he" dir="rtl">') };
  assert.notEqual(rtl.html, page.html, "the page's <html> got dir=rtl");
  return withScreen({ pages: { "rtl.html": rtl } }, { viewport: { width: 390, height: 844 } }, async ({ server, page: p }) => {
    await p.goto(`${server.url}/rtl.html`);
    await ready(p);
    await p.waitForFunction(() => document.querySelectorAll('.tc-source[data-state="not-connected"]').length > 0);
    const rows = await checkLayout(p, 390);
    const marks = await p.evaluate(() =>
      [...document.querySelectorAll(".tc-source")].map((row) => {
        const r = row.querySelector(".tc-source__monogram, .tc-source__logo").getBoundingClientRect();
        return { left: r.left, right: r.right };
      }),
    );
    rows.forEach((row, i) => {
      assert.ok(row.actions.right <= row.name.left + 0.5, `row ${row.id}: the action is left of the name`);
      assert.ok(marks[i].left >= row.name.right - 0.5, `row ${row.id}: the logo is right of the name`);
    });
    await screenshot(p, "layout-rtl-390");

    await p.setViewportSize({ width: 320, height: 844 });
    await checkLayout(p, 320);
    await screenshot(p, "layout-rtl-320");

    // The alert's bar stands at the inline start: the right edge.
    await server.fault("down");
    await p.reload();
    const alert = p.locator('.tc-session[data-state="error"]');
    await alert.waitFor();
    const borders = await alert.evaluate((el) => {
      const style = getComputedStyle(el);
      return { right: parseFloat(style.borderRightWidth), left: parseFloat(style.borderLeftWidth) };
    });
    assert.ok(borders.right > 0 && borders.left === 0, JSON.stringify(borders));
    await checkLayout(p, 320);
  });
});
