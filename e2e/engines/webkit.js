// WebKit (Debian's WebKitGTK MiniBrowser) through selenium-webdriver and WebKitWebDriver, under
// Xvfb: MiniBrowser has no headless mode, and without a display the session never starts.
//
// - One WebDriver session per driver process, and one session per page here: each page gets its
//   own driver, MiniBrowser and so its own cookies and storage. Windows opened by the page
//   (window.open from a real click) are further windows of the same session.
// - No console or error log endpoint: every script this layer runs first installs a recorder
//   (errors, unhandled rejections, CSP violations, console.error) in the document if it has none,
//   which keeps what it sees in sessionStorage; `problems()` reads it back. Errors thrown before
//   the first script after a load are not seen.
// - The colour scheme is MiniBrowser's `--dark-mode`; the viewport is the window resized until
//   its inner size is the one asked for.
// - Screenshots are best effort (see `screenshot`).
// - Every driver call has a time-out; the driver and MiniBrowser are killed as a process group.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { writeFile } from "node:fs/promises";
import { Builder, By, Key } from "selenium-webdriver";
import { DEFAULT_VIEWPORT, MARK_BUTTON, READ_PROBLEMS, RECORDER, poll, shotPath, sleep, within } from "./common.js";

const MINIBROWSER = process.env.MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const DRIVER = process.env.WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver";
const CALL = 30_000; // the longest any single driver call may take

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts Xvfb on the first free display; resolves to { display, stop }. */
function startXvfb() {
  const child = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1920x1200x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  return within(
    15_000,
    "starting Xvfb",
    new Promise((resolve, reject) => {
      let out = "";
      child.stdio[3].on("data", (d) => {
        out += d;
        if (out.includes("\n")) {
          resolve({
            display: `:${out.trim()}`,
            stop: () => child.kill("SIGKILL"),
          });
        }
      });
      child.on("error", reject);
      child.on("exit", (code) => reject(new Error(`Xvfb exited with ${code}: ${err}`)));
    }),
  );
}

/** A WebKitWebDriver with one MiniBrowser session. */
async function startSession(display, { colorScheme }) {
  const port = await freePort();
  const driverProcess = spawn(DRIVER, [`--port=${port}`, "--host=127.0.0.1"], {
    env: { ...process.env, DISPLAY: display, GDK_BACKEND: "x11", WEBKIT_DISABLE_COMPOSITING_MODE: "1" },
    stdio: "ignore",
    detached: true, // its own process group, so that MiniBrowser goes with it
  });
  const kill = () => {
    try {
      process.kill(-driverProcess.pid, "SIGKILL");
    } catch {}
  };
  try {
    await poll(async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok, { timeout: 10_000, message: "WebKitWebDriver" });
    const args = ["--automation"];
    if (colorScheme === "dark") args.push("--dark-mode");
    const driver = await within(
      CALL,
      "creating a WebKit session",
      new Builder()
        .usingServer(`http://127.0.0.1:${port}`)
        .withCapabilities({
          browserName: "MiniBrowser",
          "webkitgtk:browserOptions": { binary: MINIBROWSER, args },
        })
        .build(),
    );
    await within(CALL, "setting time-outs", driver.manage().setTimeouts({ script: CALL - 5_000, pageLoad: CALL - 5_000, implicit: 0 }));
    return { driver, kill };
  } catch (error) {
    kill();
    throw error;
  }
}

export async function start() {
  const xvfb = await startXvfb();
  const sessions = new Set();
  // The version, from a first session (also a check that sessions start at all).
  const probe = await startSession(xvfb.display, {});
  const version = (await probe.driver.getCapabilities()).get("browserVersion");
  await within(10_000, "ending a session", probe.driver.quit()).catch(() => {});
  probe.kill();
  return {
    name: "webkit",
    version,
    async newPage({ viewport = DEFAULT_VIEWPORT, colorScheme = "light" } = {}) {
      const session = await startSession(xvfb.display, { colorScheme });
      sessions.add(session);
      const state = { driver: session.driver, current: await session.driver.getWindowHandle() };
      const page = wrap(state, state.current, async () => {
        sessions.delete(session);
        await within(10_000, "ending a session", session.driver.quit()).catch(() => {});
        session.kill();
      });
      await page.setViewport(viewport);
      return page;
    },
    async close() {
      for (const session of sessions) session.kill();
      xvfb.stop();
    },
  };
}

const KEYS = { Tab: Key.TAB, Enter: Key.ENTER, Space: Key.SPACE, Escape: Key.ESCAPE };

function wrap(state, handle, end) {
  const { driver } = state;
  const call = (what, promise) => within(CALL, what, promise);
  const focus = async () => {
    if (state.current !== handle) {
      await call("switching windows", driver.switchTo().window(handle));
      state.current = handle;
    }
  };
  // Every script installs the recorder first (see above), then runs `body`.
  const script = async (body, ...args) => {
    await focus();
    return call("running a script", driver.executeScript(`${RECORDER};\n${body}`, ...args));
  };
  const evaluate = (fn, arg) => script(`return (${fn}).call(null, arguments[0]);`, arg);
  let mark = 0;
  const page = {
    raw: driver,
    async goto(url) {
      await focus();
      await call(`loading ${url}`, driver.get(url));
      await script("return 1;");
    },
    url: async () => {
      await focus();
      return call("reading the URL", driver.getCurrentUrl());
    },
    evaluate,
    waitFor: (fn, arg, { timeout = 15_000 } = {}) => poll(() => evaluate(fn, arg), { timeout, message: String(fn).slice(0, 200) }),
    async click(name, { within: scope = "body" } = {}) {
      const id = `m${++mark}`;
      await poll(async () => (await script(MARK_BUTTON, name, scope, id)) === "ok", { message: `the button "${name}" in ${scope}` });
      const button = await call("finding the button", driver.findElement(By.css(`[data-e2e-target="${id}"]`)));
      await call(`clicking "${name}"`, button.click());
    },
    async press(key) {
      await focus();
      const k = KEYS[key] ?? key;
      await call(`pressing ${key}`, driver.actions({ async: true }).keyDown(k).keyUp(k).perform());
    },
    async back() {
      await focus();
      await call("going back", driver.navigate().back());
    },
    async reload() {
      await focus();
      await call("reloading", driver.navigate().refresh());
    },
    async waitForNewPage(action) {
      await focus();
      const before = new Set(await call("listing windows", driver.getAllWindowHandles()));
      await action();
      const added = await poll(
        async () => (await call("listing windows", driver.getAllWindowHandles())).find((h) => !before.has(h)),
        { message: "a new window" },
      );
      return wrap(state, added, async () => {
        // Switch even when this layer thinks it is current: after the window navigated,
        // WebKitWebDriver's current window is not always the one it was switched to.
        await call("switching windows", driver.switchTo().window(added));
        await call("closing a window", driver.close());
        state.current = null;
      });
    },
    trackNavigations() {
      // No navigation events here: a marker in the document disappears with any navigation.
      const marker = evaluate(() => (window.__e2eStay = true));
      return async () => {
        await marker;
        return (await evaluate(() => window.__e2eStay === true)) ? 0 : 1;
      };
    },
    bringToFront: focus,
    async setViewport({ width, height }) {
      await focus();
      const win = driver.manage().window();
      for (let i = 0; i < 3; i++) {
        const inner = await evaluate(() => [window.innerWidth, window.innerHeight]);
        if (inner[0] === width && inner[1] === height) return;
        const rect = await call("reading the window", win.getRect());
        await call("resizing the window", win.setRect({ width: rect.width + width - inner[0], height: rect.height + height - inner[1] }));
        await sleep(100);
      }
      const inner = await evaluate(() => [window.innerWidth, window.innerHeight]);
      if (inner[0] !== width) throw new Error(`could not size the WebKit window to ${width}x${height} (got ${inner})`);
    },
    // Best effort: WebKitGTK's snapshot sometimes never answers (also for a window in front,
    // apparently when no new frame is due), so a screenshot that takes more than 5 s is left out
    // with a note; screenshots are records, not assertions. Later commands are not held up.
    async screenshot(name) {
      await focus();
      try {
        const png = await within(5_000, "taking a screenshot", driver.takeScreenshot());
        await writeFile(await shotPath("webkit", name), Buffer.from(png, "base64"));
      } catch (error) {
        console.log(`# webkit: no screenshot "${name}" (${error.message})`);
      }
    },
    async problems() {
      try {
        return await script(READ_PROBLEMS);
      } catch {
        return [];
      }
    },
    close: end,
  };
  return page;
}
