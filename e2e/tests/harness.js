// Shared test harness: a fresh sandbox server per test (on a free port, with its own copy of the
// release build and any variant pages), and Debian's headless Chromium through playwright-core.
import { spawn } from "node:child_process";
import { createServer, request as httpRequest } from "node:http";
import { mkdtemp, readdir, readFile, rm, symlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const SERVER_BIN = resolve(process.env.SERVER_BIN ?? "../target/debug/thryve-connect-server");
const DIST_DIR = resolve(process.env.DIST_DIR ?? "../dist");
export const STATIC_HOST_DIST = resolve(process.env.STATIC_HOST_DIST ?? "../examples/static-host/dist");
export const OUTPUT = resolve(process.env.E2E_OUTPUT ?? "output");

/** The page's `<html lang>` (the release build's page is minified: attributes may be unquoted). */
export const HTML_LANG = /<html lang=(?:"[^"]*"|[^\s>]*)>/;
/** The standalone page's mount element, whatever the order and quoting of its attributes. */
export const MOUNT = /<div\b[^>]*?\sid="?thryve-connect"?(?=[\s>])[^>]*>/;
/**
 * The standalone page's mount element, with the first frame the build wrote into it (one
 * `<section>`, see src/bin/prerender.rs): `$1` is the opening tag.
 */
export const MOUNT_WITH_FRAME = new RegExp(`(${MOUNT.source})(?:<section[\\s\\S]*?<\\/section>)?`);

/**
 * Starts the server in sandbox mode on a free port, serving a copy of `dist` (the release build
 * by default) plus `pages`: file name -> { attributes } (the mount element's attributes replaced),
 * { lang } (the page's language), { frame: false } (without the pre-rendered first frame), or
 * { html } (a whole page of its own); and `files`: file name ->
 * content. With `observe`, the page talks to the server through a recording proxy on another
 * port, so that every engine can see the token endpoint's requests and answers (`sessions()`),
 * not only the one whose driver can watch the network.
 */
export async function startServer({ env = {}, pages = {}, files = {}, dist: distDir = DIST_DIR, observe = false } = {}) {
  const dist = resolve(distDir);
  const dir = await mkdtemp(join(tmpdir(), "tc-e2e-"));
  for (const file of await readdir(dist)) {
    await symlink(join(dist, file), join(dir, file));
  }
  const index = await readFile(join(dist, "index.html"), "utf8");
  for (const [name, page] of Object.entries(pages)) {
    let html = page.html ?? index;
    // The build's first frame is for the page's own settings and language: a variant drops it.
    if (page.attributes || page.lang !== undefined || page.frame === false) html = html.replace(MOUNT_WITH_FRAME, "$1");
    if (page.attributes) {
      const attrs = Object.entries(page.attributes)
        .map(([k, v]) => ` ${k}="${String(v).replaceAll('"', "&quot;")}"`)
        .join("");
      html = html.replace(MOUNT, `<div id="thryve-connect"${attrs}>`);
    }
    if (page.lang !== undefined) html = html.replace(HTML_LANG, `<html lang="${page.lang}">`);
    await writeFile(join(dir, name), html);
  }
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), content);
  }
  const child = spawn(SERVER_BIN, [], {
    env: { ...process.env, LISTEN_ADDR: "127.0.0.1:0", DIST_DIR: dir, RUST_LOG: "warn", SANDBOX_TEST_HOOKS: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const url = await new Promise((resolveUrl, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 10_000);
    child.stdout.on("data", (d) => {
      out += d;
      const match = out.match(/listening on (http:\/\/[^/\s]+)\//);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const proxy = observe ? await observingProxy(url) : null;
  const post = (path, body) =>
    fetch(url + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    url: proxy?.url ?? url,
    /** Each token endpoint call through the proxy: { locale, status, token } (observe only). */
    sessions: () => proxy.sessions.slice(),
    /** What the sandbox saw: page hits, authorizations, revokes. */
    log: async () => (await fetch(`${url}/sandbox/_test/log`)).json(),
    /** Makes the token endpoint answer "ok", "down" (503) or "garbage" (HTML). */
    fault: async (session) => post("/sandbox/_test/fault", { session }),
    /** Switches the sandbox's other behaviours: { userKey: false }, { statusDetails: false }. */
    behave: async (switches) => post("/sandbox/_test/fault", switches),
    /** Marks `source` of sandbox user `user` as needing a reconnect (the answer: 204, or 404). */
    needsReconnect: async (user, source) => post("/sandbox/_test/needs-reconnect", { user, source }),
    /** Expires every token the sandbox issued. */
    expireTokens: async () => post("/sandbox/_test/expire-tokens"),
    stop: async () => {
      await proxy?.close();
      child.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Passes `req` on to `target` and its answer back through `res`. With `transform(status,
 * answerText, requestText)` the answer is read whole (uncompressed) and its body replaced by what
 * `transform` returns.
 */
function forward(target, req, res, transform) {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const headers = { ...req.headers };
    if (transform) delete headers["accept-encoding"]; // read the answer as plain text
    const upstream = httpRequest(target + req.url, { method: req.method, headers }, (up) => {
      if (!transform) {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
        return;
      }
      const answer = [];
      up.on("data", (c) => answer.push(c));
      up.on("end", () => {
        const text = transform(up.statusCode, Buffer.concat(answer).toString(), body.toString());
        const { "content-length": _, ...rest } = up.headers;
        res.writeHead(up.statusCode, rest);
        res.end(text);
      });
    });
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  });
}

/** Starts `server` on a free loopback port: its URL and a way to close it. */
async function listening(server) {
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/** A pass-through HTTP proxy to `target` that records the token endpoint's requests and answers. */
async function observingProxy(target) {
  const sessions = [];
  const record = (status, text, request) => {
    let token = null;
    let locale = null;
    try {
      locale = JSON.parse(request || "{}").locale ?? null;
    } catch {}
    try {
      token = new URL(JSON.parse(text).data.url).searchParams.get("connectionSessionToken");
    } catch {}
    sessions.push({ locale, status, token });
    return text;
  };
  const server = createServer((req, res) => {
    const watched = req.url.split("?")[0] === "/api/connection-session" && req.method === "POST";
    forward(target, req, res, watched ? record : undefined);
  });
  return { ...(await listening(server)), sessions };
}

/**
 * A host page's origin of its own (another port): `pages` (path -> { html, csp }), and the host's
 * API passed through to `target` (the sandbox server): `/api/…`, and the sandbox's Thryve pages,
 * which send the user back only to the host they were asked on. `intercept(req, res, forward)`
 * may answer a request itself (return true), or change the upstream answer through
 * `forward(transform)` where `transform(status, bodyText)` returns the new body text.
 */
export async function hostOrigin(target, pages, intercept = () => false) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const pass = (transform) => forward(target, req, res, transform);
    if (intercept(req, res, pass)) return;
    if (pages[path]) {
      const headers = { "content-type": "text/html; charset=utf-8", "content-security-policy": pages[path].csp };
      // The host's sign-in names the sandbox user before the screen's first calls. Without it, the
      // session and status requests (sent together) would each be given a new user by the
      // sandbox, and whichever cookie the browser kept last would decide who later reads are for.
      if (!/(^|;\s*)tc_sandbox_user=/.test(req.headers.cookie ?? "")) {
        headers["set-cookie"] = `tc_sandbox_user=host${randomUUID().replaceAll("-", "")}; Path=/; SameSite=Lax`;
      }
      res.writeHead(200, headers);
      res.end(pages[path].html);
      return;
    }
    if (path.startsWith("/api/") || path.startsWith("/sandbox/")) return pass();
    res.writeHead(404);
    res.end();
  });
  return listening(server);
}

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
      ...extraArgs,
    ],
  });
}

/**
 * One browser for a test file, and `withScreen(serverOptions, [pageOptions,] body)`: a fresh
 * server and page per test, cleaned up whatever happens, failing on page errors.
 */
export function screens() {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  return async function withScreen(serverOptions, pageOptions, body) {
    if (typeof pageOptions === "function") [pageOptions, body] = [{}, pageOptions];
    const server = await startServer(serverOptions);
    const { context, page, problems } = await openPage(browser, pageOptions);
    try {
      await body({ server, page, context });
      assert.deepEqual(problems, [], "no page errors or CSP violations");
    } finally {
      await context.close();
      await server.stop();
    }
  };
}

/** A page that fails the test on any uncaught error or CSP violation. */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // Expected noise: failed requests the tests provoke, and Chrome refusing a sandboxed frame's
    // top navigation (the screen then falls back to a new tab).
    const expected = /status of [45][0-9][0-9]|Unsafe attempt to initiate navigation/;
    if (m.type() === "error" && !expected.test(m.text())) {
      problems.push(`console.error: ${m.text()}`);
    }
  });
  return { context, page, problems };
}

/** Waits until the Connect button of `source` is enabled (the session arrived). */
export async function ready(page, source = "Fitbit") {
  const button = page.getByRole("button", { name: `Connect ${source}`, exact: true });
  await button.waitFor();
  await page.waitForFunction((name) => {
    const b = [...document.querySelectorAll("button")].find((x) => x.getAttribute("aria-label") === name);
    return b && !b.disabled;
  }, `Connect ${source}`);
  return button;
}

export function rowState(page, id) {
  return page.locator(`[data-testid="source-${id}"]`).getAttribute("data-state");
}

/** The token of the next session the page receives. */
export function nextSessionToken(page) {
  return page
    .waitForResponse((r) => r.url().endsWith("/api/connection-session") && r.status() === 200)
    .then(async (r) => new URL((await r.json()).data.url).searchParams.get("connectionSessionToken"));
}

export async function screenshot(page, name) {
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
}

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core in the page (evaluated through DevTools, so the page's CSP stays strict). */
export async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.html),
    }));
  });
}
