// Chromium only: hosts with their own auth and API. The token endpoint on a second origin that
// needs the API's cookie (`credentials: include`) or a bearer header (`headers`), with the CORS
// such an API answers; and a status endpoint that lags behind a fresh connect, which the screen
// keeps showing until the status agrees. (The session from the host's own code, `getSession`,
// runs in the single-page example: spa.chromium.test.js.)
// Why only here: the host page, its API and the files are three origins the test serves itself,
// and the cookie is set through the browser context, which the shared engine interface lacks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import { startServer, launch, openPage, ready, hostOrigin } from "./harness.js";

const COOKIE = { name: "api_session", value: "signed-in" };
const BEARER = "Bearer app-held-secret";

/**
 * The host's API on its own origin: `POST /session` answers only with the API's cookie or the
 * bearer header (401 otherwise) and passes the session on from the sandbox server `target`; CORS
 * for exactly `allowOrigin()`, with credentials. Records what each request carried.
 */
async function apiOrigin(target, allowOrigin) {
  const seen = [];
  const server = createServer((req, res) => {
    const cors = {
      "access-control-allow-origin": allowOrigin(),
      "access-control-allow-credentials": "true",
      vary: "Origin",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...cors,
        "access-control-allow-methods": "POST, GET",
        "access-control-allow-headers": "content-type, accept, authorization",
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }
    const cookie = (req.headers.cookie ?? "").includes(`${COOKIE.name}=${COOKIE.value}`);
    const bearer = req.headers.authorization === BEARER;
    seen.push({ cookie, bearer, origin: req.headers.origin ?? null });
    if (!cookie && !bearer) {
      res.writeHead(401, { ...cors, "content-type": "application/json" });
      res.end('{"error":"not signed in"}');
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const upstream = httpRequest(`${target}/api/connection-session`, { method: "POST", headers: { "content-type": "application/json" } }, (up) => {
        const body = [];
        up.on("data", (c) => body.push(c));
        up.on("end", () => {
          res.writeHead(up.statusCode, { ...cors, "content-type": "application/json" });
          res.end(Buffer.concat(body));
        });
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    close: () => new Promise((ok) => (server.closeAllConnections?.(), server.close(() => ok()))),
  };
}

/**
 * The host page: the element with `attributes`, the host's own `script` (if any) and then the
 * loader, both from the sandbox server's origin.
 */
function hostPage(files, api, attributes, script) {
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}="${v}"`)
    .join("");
  const own = script ? `<script type="module" src="${files.url}/${script}"></script>\n` : "";
  return {
    html: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
${own}<script type="module" src="${files.url}/thryve-connect.js"></script></head>
<body><h1>Host</h1><thryve-connect thryve-base-url="/sandbox/" sources="1,11"${attrs}></thryve-connect></body></html>`,
    csp: [
      "default-src 'none'",
      `script-src 'self' ${files.url} 'wasm-unsafe-eval'`,
      `style-src ${files.url}`,
      `connect-src 'self' ${files.url} ${api?.url ?? ""}`.trim(),
      "img-src 'self' data:",
      "base-uri 'none'",
    ].join("; "),
  };
}

/** Three origins: the files (sandbox server), the host page, the host's API. */
async function withOrigins(body) {
  // The host's script (no inline script under the CSP): it holds its API's token in memory and
  // gives it to the screen from code, before the loader runs; it never appears in the markup.
  const files = await startServer({
    files: {
      "auth-bearer.js": `document.querySelector("thryve-connect").settings = { headers: { Authorization: ${JSON.stringify(BEARER)} } };`,
    },
  });
  const browser = await launch();
  let host;
  const api = await apiOrigin(files.url, () => host?.url ?? "");
  try {
    await body({ files, api, browser, useHost: async (pages, intercept) => (host = await hostOrigin(files.url, pages, intercept)) });
  } finally {
    await host?.close();
    await api.close();
    await browser.close();
    await files.stop();
  }
}

test("a token endpoint on another origin that needs its cookie: credentials=include", () =>
  withOrigins(async ({ files, api, browser, useHost }) => {
    const host = await useHost({
      "/default.html": hostPage(files, api, { "token-endpoint": `${api.url}/session` }),
      "/include.html": hostPage(files, api, { "token-endpoint": `${api.url}/session`, credentials: "include" }),
    });
    const { context, page, problems } = await openPage(browser);
    await context.addCookies([{ ...COOKIE, domain: "127.0.0.1", path: "/", sameSite: "Lax" }]);

    // Without credentials=include the browser does not send the API's cookie: 401, the alert.
    await page.goto(`${host.url}/default.html`);
    await page.getByRole("button", { name: "Try again" }).waitFor();
    assert.ok(api.seen.length > 0 && api.seen.every((r) => !r.cookie), "no cookie went along");

    api.seen.length = 0;
    await page.goto(`${host.url}/include.html`);
    await ready(page, "Fitbit");
    assert.ok(api.seen.length > 0 && api.seen.every((r) => r.cookie && r.origin === host.url), JSON.stringify(api.seen));

    // And a connect with that session goes through and comes back.
    await page.getByRole("button", { name: "Connect Fitbit", exact: true }).click();
    await page.waitForURL(/\/sandbox\/dataSourceDirectConnection\.html/);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("status").getByText("Fitbit is now connected.").waitFor();
    const unexpected = problems.filter((p) => !/401/.test(p));
    assert.deepEqual(unexpected, [], "no page errors or CSP violations besides the provoked 401");
    await context.close();
  }));

test("a token endpoint on another origin that needs a bearer header: headers from the host's script", () =>
  withOrigins(async ({ files, api, browser, useHost }) => {
    const host = await useHost({
      "/bearer.html": hostPage(files, api, { "token-endpoint": `${api.url}/session` }, "auth-bearer.js"),
    });
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${host.url}/bearer.html`);
    await ready(page, "Fitbit");
    assert.ok(api.seen.length > 0 && api.seen.every((r) => r.bearer && !r.cookie), JSON.stringify(api.seen));
    assert.ok(!(await page.content()).includes("app-held-secret"), "the secret is not in the page's markup");
    assert.deepEqual(problems, []);
    await context.close();
  }));

test("a status endpoint that lags behind a fresh connect: the success stays, then the status agrees", () =>
  withOrigins(async ({ files, browser, useHost }) => {
    // The first two answers that would show Fitbit (1) leave it out, as Thryve's records lagging.
    const LAG = 2;
    let lagged = 0;
    const reads = [];
    // Entries are IDs, or objects with details (the sandbox's).
    const isFitbit = (entry) => (typeof entry === "object" ? entry.id : entry) === 1;
    const host = await useHost(
      { "/lag.html": hostPage(files, null, { "status-endpoint": "/api/connection-status" }) },
      (req, res, forward) => {
        if (!req.url.startsWith("/api/connection-status")) return false;
        forward((status, text) => {
          let answer = JSON.parse(text);
          if (answer.connected.some(isFitbit) && lagged < LAG) {
            lagged += 1;
            answer = { connected: answer.connected.filter((entry) => !isFitbit(entry)) };
          }
          reads.push({ at: Date.now(), connected: answer.connected });
          return JSON.stringify(answer);
        });
        return true;
      },
    );
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${host.url}/lag.html`);
    await ready(page, "Fitbit");
    await page.getByRole("button", { name: "Connect Fitbit", exact: true }).click();
    await page.waitForURL(/\/sandbox\/dataSourceDirectConnection\.html/);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("status").getByText("Fitbit is now connected.").waitFor();

    // Until the status shows Fitbit, the row keeps saying Connected.
    const row = page.getByTestId("source-1");
    const deadline = Date.now() + 20_000;
    while (!reads.some((r) => r.connected.some(isFitbit))) {
      assert.ok(Date.now() < deadline, `the status never caught up: ${JSON.stringify(reads)}`);
      assert.equal(await row.getAttribute("data-state"), "connected", `after ${reads.length} reads`);
      await page.waitForTimeout(100);
    }
    assert.equal(lagged, LAG, "the screen re-read the status past the lag");
    await page.waitForTimeout(300);
    assert.equal(await row.getAttribute("data-state"), "connected");
    assert.equal(await page.getByText("Still being confirmed").count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  }));
