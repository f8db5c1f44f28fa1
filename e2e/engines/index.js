// The engines the shared flows run in, and how a flow file runs its flows in one of them.
//
// A flow is { name, server?, page?, skip?: { engine: reason }, run({ server, page, engine }) }:
// `server` are startServer's options, `page` the page's ({ viewport, colorScheme,
// backForwardCache }). The engine comes from E2E_ENGINE (chromium by default; run.js sets it).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../tests/harness.js";

export const ENGINES = ["chromium", "firefox", "webkit"];
export const ENGINE = process.env.E2E_ENGINE ?? "chromium";
if (!ENGINES.includes(ENGINE)) throw new Error(`E2E_ENGINE must be one of ${ENGINES.join(", ")}`);

/** Registers `flows` as tests in the current engine, one engine instance for the file. */
export function runFlows(flows) {
  let engine;
  before(async () => {
    const { start } = await import(`./${ENGINE}.js`);
    engine = await start();
  });
  after(async () => {
    await engine?.close();
  });
  for (const flow of flows) {
    const skip = flow.skip?.[ENGINE] ?? false;
    test(flow.name, { skip, timeout: 150_000 }, async () => {
      const server = await startServer({ ...flow.server, observe: true });
      let page;
      try {
        page = await engine.newPage(flow.page);
        await flow.run({ server, page, engine });
        assert.deepEqual(await page.problems(), [], "no page errors, console errors or CSP violations");
      } finally {
        await page?.close().catch(() => {});
        await server.stop();
      }
    });
  }
}
