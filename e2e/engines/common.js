// What the three driver layers share: the in-page problem recorder, polling, time-outs, and the
// screenshot folder.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { OUTPUT } from "../tests/harness.js";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with a clear message when `promise` takes longer than `ms` (no driver call may hang). */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Polls `check` (async, may throw while a page is navigating) until it returns a truthy value.
 */
export async function poll(check, { timeout = 15_000, interval = 100, message = "condition" } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeout} ms waiting for ${message}${last ? ` (last error: ${last.message})` : ""}`);
    }
    await sleep(interval);
  }
}

/**
 * Installs, once per document, listeners that record uncaught errors, unhandled rejections, CSP
 * violations and console.error calls in `window.__e2eProblems` and in sessionStorage (so that
 * what a page recorded survives it navigating away; the sandbox pages share the origin).
 * Idempotent; evaluated as an expression.
 */
export const RECORDER = `(() => {
  if (window.__e2eProblems) return;
  const problems = (window.__e2eProblems = []);
  const KEY = "__e2e_problems";
  const note = (text) => {
    problems.push(text);
    try {
      const saved = JSON.parse(sessionStorage.getItem(KEY) || "[]");
      saved.push(text);
      sessionStorage.setItem(KEY, JSON.stringify(saved));
    } catch (_) {}
  };
  window.addEventListener("error", (e) => note("pageerror: " + (e.message || e.error || "error")));
  window.addEventListener("unhandledrejection", (e) => note("unhandledrejection: " + ((e.reason && e.reason.message) || e.reason)));
  document.addEventListener("securitypolicyviolation", (e) => note("CSP violation: " + e.violatedDirective + " " + e.blockedURI));
  const original = console.error;
  console.error = function (...args) {
    note("console.error: " + args.map(String).join(" "));
    return original.apply(this, args);
  };
})()`;

/** Reads back what RECORDER saw on this origin in this tab (evaluated as a function body). */
export const READ_PROBLEMS = `try { return JSON.parse(sessionStorage.getItem("__e2e_problems") || "[]"); } catch (_) { return (window.__e2eProblems || []).slice(); }`;

/** Finds a button by accessible name (aria-label, else its text) inside `within`; marks it. */
export const MARK_BUTTON = `return ((name, within, mark) => {
  const scope = document.querySelectorAll(within || "body");
  const matches = [];
  for (const root of scope) {
    for (const b of root.querySelectorAll("button, [role=button], input[type=button], input[type=submit]")) {
      const label = (b.getAttribute("aria-label") || b.textContent || b.value || "").trim().replace(/\\s+/g, " ");
      if (label === name && b.getClientRects().length > 0) matches.push(b);
    }
  }
  if (matches.length !== 1) return matches.length;
  if (matches[0].disabled) return "disabled";
  for (const old of document.querySelectorAll("[data-e2e-target]")) old.removeAttribute("data-e2e-target");
  matches[0].setAttribute("data-e2e-target", mark);
  return "ok";
})(...arguments)`;

export async function shotPath(engine, name) {
  const dir = engine === "chromium" ? OUTPUT : join(OUTPUT, engine);
  await mkdir(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/** Default window: the size Playwright gives Chromium pages. */
export const DEFAULT_VIEWPORT = { width: 1280, height: 720 };
