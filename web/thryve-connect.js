// thryve-connect.js: the one file a host page adds.
//
//   <script type="module" src="https://your.cdn/thryve-connect/thryve-connect.js"></script>
//   <thryve-connect token-endpoint="/api/connection-session"></thryve-connect>
//
// It defines the <thryve-connect> element, mounts the page's <div id="thryve-connect"> (the
// simple static mount), exports `mount()` for script hosts, adds the stylesheet, and loads the
// app (wasm-bindgen glue + WebAssembly, once per page however many screens there are) from next
// to itself, so the files can live under any path or on another origin. No inline script or
// style: it works under `script-src 'self' 'wasm-unsafe-eval'` (plus this file's origin).
//
// It also sends the first screen's session and status requests right away, while the
// WebAssembly downloads, and fetches the messages of the screen's language when it is not
// English: the app takes each answer if the request matches what it would send itself (same
// endpoint, same body, same credentials); otherwise it asks again. Every rule stays in Rust;
// this is a head start.
//
// The build writes the hashed file names below (scripts/write-loader.sh, a Trunk hook), so this
// file's name never changes and must not be cached for long; the hashed files may be cached
// forever.

const FILES = { glue: "__TC_GLUE__", wasm: "__TC_WASM__", css: "__TC_CSS__" };
// The hash in the names of the message tables the app does not carry (it has English).
const TABLES_HASH = "__TC_TABLES__";

// Keep in sync with protocol/locales/*.txt (a host test checks it).
const LOCALES = ["de", "en", "es", "fr", "it", "nl", "pl", "pt-BR"];

// The settings' attributes on <thryve-connect> (on a <div> mount: with the `data-` prefix).
const ATTRIBUTES = [
  "token-endpoint", "status-endpoint", "thryve-base-url", "redirect-uri", "sources", "open",
  "disconnect", "locale", "show-native", "token-max-age", "request-timeout", "heading-level",
  "theme", "prefetch", "credentials",
];

const TAG = "thryve-connect";
const DIV_ID = "thryve-connect";
const DEFAULT_TOKEN_ENDPOINT = "/api/connection-session";

const here = (name) => new URL(name, import.meta.url).href;

let app = null;
let appLoaded = false;
let prefetched = false;
// The tables asked for so far (promises of their text, then of their adding to the app), and the
// languages that could not be had.
const languageTexts = new Map();
const languageAdded = new Map();
const unavailable = new Set();
const TABLE_TIMEOUT_MS = 10_000;
const report = (error) => console.error("thryve-connect:", error);

// The handle of each element with a screen: mounting it again updates that screen instead.
const handles = new WeakMap();

/** Loads the app once: the stylesheet, the glue, the WebAssembly. */
function loadApp() {
  if (!app) {
    addStylesheet();
    // The WebAssembly is requested now, beside the glue, not once the glue has arrived: one round
    // trip less on a page without preload links (a page with them reuses the preloaded answer).
    const wasm = fetch(here(FILES.wasm));
    wasm.catch(() => {}); // a failure is reported where the glue awaits it
    app = import(here(FILES.glue)).then(async (glue) => {
      await glue.default({ module_or_path: wasm });
      appLoaded = true;
      return glue;
    });
  }
  return app;
}

/** The text of a language's table, fetched once; null for English (in the app) or no language. */
function languageText(code) {
  if (code === "en" || !LOCALES.includes(code) || unavailable.has(code)) return null;
  if (!languageTexts.has(code)) {
    // A static file: it gets as long as a request to the token endpoint may take by default.
    const signal = AbortSignal.timeout?.(TABLE_TIMEOUT_MS);
    const text = fetch(here(`thryve-connect-${code}-${TABLES_HASH}.txt`), { signal }).then((r) =>
      r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`)),
    );
    text.catch(() => {});
    languageTexts.set(code, text);
  }
  return languageTexts.get(code);
}

/**
 * Null when the app has the messages of the language a screen in `element` shows with `settings`
 * (the app decides which); else a promise that settles when it has them, or when they cannot be
 * had (the screen then shows English). Screens waiting for one language share one promise.
 */
function missingLanguage(glue, element, settings) {
  const code = glue.languageToLoad(element, json(settings));
  const text = code && languageText(code);
  if (!text) return null;
  if (!languageAdded.has(code)) {
    const added = text
      .then((table) => glue.addLanguage(code, table))
      .catch((error) => {
        unavailable.add(code);
        console.error(`thryve-connect: the "${code}" messages could not be loaded; the screen shows English`, error);
      });
    languageAdded.set(code, added);
  }
  return languageAdded.get(code);
}

function addStylesheet() {
  const href = here(FILES.css);
  const linked = [...document.querySelectorAll('link[rel~="stylesheet"]')].some((link) => link.href === href);
  if (linked) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}

/** Reads a setting: the settings object first, then the attribute. */
function setting(element, settings, attribute) {
  const key = attribute.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  if (settings && settings[key] !== undefined && settings[key] !== null) return String(settings[key]);
  const prefix = element.localName === TAG ? "" : "data-";
  return element.getAttribute(prefix + attribute);
}

function languageGuess(element, settings) {
  const candidates = [setting(element, settings, "locale"), document.documentElement.lang, ...(navigator.languages || [])];
  // The screen's rule: the language and region, the language alone, the language elsewhere.
  for (const tag of candidates) {
    const [language, ...rest] = (tag || "").trim().toLowerCase().split(/[-_]/);
    const region = rest.find((part) => /^[a-z]{2}$/.test(part));
    const ofLanguage = LOCALES.filter((code) => code.split("-")[0].toLowerCase() === language);
    const code = ofLanguage.find((c) => c.toLowerCase() === `${language}-${region}`) ||
      ofLanguage.find((c) => c === language) || ofLanguage[0];
    if (code) return code;
  }
  return "en";
}

/**
 * The first screen's session and status requests, sent while the app downloads (see above).
 * Returns a function that withdraws them if no screen has taken them (the screen was removed
 * first).
 */
function prefetch(element, settings) {
  if (prefetched) return () => {};
  prefetched = true;
  // Headers only the app sends, or a setting the app will refuse: the app asks itself.
  if (setting(element, settings, "prefetch") === "false" || settings?.headers) return () => {};
  const credentials = setting(element, settings, "credentials") || "same-origin";
  if (!["same-origin", "include", "omit"].includes(credentials)) return () => {};
  const sent = [];
  // The host's own code may get the session or the status instead.
  if (typeof settings?.getSession !== "function") {
    const body = JSON.stringify({ locale: languageGuess(element, settings) });
    const endpoint = setting(element, settings, "token-endpoint") || DEFAULT_TOKEN_ENDPOINT;
    const init = { method: "POST", headers: { Accept: "application/json", "Content-Type": "application/json" }, body };
    sent.push(early("__thryveConnectPrefetch", endpoint, credentials, init, { body, sentAt: Date.now() }));
  }
  const status = setting(element, settings, "status-endpoint")?.trim();
  if (status && typeof settings?.getStatus !== "function") {
    sent.push(early("__thryveConnectStatus", status, credentials, { headers: { Accept: "application/json" } }, {}));
  }
  return () => sent.forEach((withdraw) => withdraw());
}

/**
 * Sends one early request and leaves it for the app at `window[key]`: `{url, credentials,
 * answer, ...extra}`. Returns a function that withdraws it.
 */
function early(key, address, credentials, init, extra) {
  let url;
  try {
    url = new URL(address, location.href).href;
  } catch {
    return () => {}; // The app reports the bad setting.
  }
  // The answer is read as soon as it arrives, so that the app takes it without waiting: a body
  // read by the app itself would resolve in a later task, after the browser has painted the
  // screen once without it (about 100 ms later on a slow phone).
  const answer = fetch(url, { ...init, credentials }).then(async (r) => ({ ok: r.ok, status: r.status, text: r.ok ? await r.text() : "" }));
  // Whoever takes it handles a failure; untaken, it must not be reported as unhandled.
  answer.catch(() => {});
  const request = { url, credentials, answer, ...extra };
  window[key] = request;
  return () => {
    if (window[key] === request) delete window[key];
  };
}

// The settings as JSON and their functions apart (JSON leaves functions out; these keys go even
// when they hold something else, such as null).
const FUNCTIONS = ["getSession", "getStatus"];
const json = (settings) =>
  settings == null ? undefined : JSON.stringify(settings, (key, value) => (FUNCTIONS.includes(key) ? undefined : value));
const callbacks = (settings) => ({ getSession: settings?.getSession, getStatus: settings?.getStatus });

// Every mounted screen until it is unmounted. wasm-bindgen frees a Rust object when its JS
// wrapper is garbage-collected, which would unmount a screen whose handle nobody kept.
const live = new Set();

/**
 * Mounts a screen into `element`, configured by its attributes and `settings` (which win).
 * Returns at once; the screen appears when the app has loaded (`handle.ready`).
 */
export function mount(element, settings) {
  const existing = handles.get(element);
  if (existing) {
    existing.update(settings);
    return existing;
  }
  let current = settings ?? null;
  // The settings the screen shows (whose `getSession` and headers it uses).
  let applied = null;
  let glue = null;
  let screen = null;
  let removed = false;
  let updates = 0;
  let wake = () => {};
  let withdraw = () => {};
  // The early request waits a microtask, so that settings given right after the element was
  // inserted (a `getSession`, headers) are seen first. The table of the language the screen will
  // most likely show is fetched beside the app.
  const first = !app;
  queueMicrotask(() => {
    if (removed) return;
    if (!appLoaded) languageText(languageGuess(element, current));
    if (first) withdraw = prefetch(element, current);
  });
  const ready = loadApp().then(async (loaded) => {
    glue = loaded;
    // Until the app has the messages of the screen's language, or the settings change.
    for (let wait; !removed && (wait = missingLanguage(glue, element, current)); ) {
      await Promise.race([wait, new Promise((resolve) => (wake = resolve))]);
    }
    if (removed) return;
    applied = current;
    screen = glue.mountElement(element, json(current), callbacks(current));
    live.add(screen);
    // The early requests are the first screen's: what it did not take (other settings, a
    // configuration error) no later screen may take, whatever its age. It takes them in the
    // microtasks that follow its mount.
    setTimeout(withdraw, 0);
  });
  ready.catch((error) => console.error("thryve-connect: the app could not be loaded", error));
  const handle = {
    ready,
    /** Applies new settings (or, without an argument, re-reads the attributes). */
    update(settings) {
      if (settings !== undefined) current = settings ?? null;
      // Before the screen is mounted, the mount reads `current`.
      if (!screen) return wake();
      const turn = ++updates;
      // Settings in a language the app has not got yet: the screen stays as it is until it has,
      // unless they change who the user may be (another `getSession` or other headers), which
      // must not wait: the screen then shows English until the messages are there.
      const wait = missingLanguage(glue, element, current);
      if (wait) {
        wait.then(() => turn === updates && screen && handle.update()).catch(report);
        const sameUser =
          applied?.getSession === current?.getSession && JSON.stringify(applied?.headers ?? null) === JSON.stringify(current?.headers ?? null);
        if (sameUser) return;
      }
      applied = current;
      screen.update(json(current), callbacks(current));
    },
    /** Removes the screen: no request, timer, listener or event survives. */
    unmount() {
      removed = true;
      handles.delete(element);
      if (screen) {
        live.delete(screen);
        screen.unmount();
        screen.free();
        screen = null;
      } else {
        withdraw();
      }
    },
  };
  handles.set(element, handle);
  return handle;
}

/** `<thryve-connect>`: light DOM, so the page's CSS and the --tc-* properties apply. */
export class ThryveConnectElement extends HTMLElement {
  static get observedAttributes() {
    return ATTRIBUTES;
  }

  #handle = null;
  #settings = null;

  /** The settings as an object (camelCase names); they win over the attributes. */
  get settings() {
    return this.#settings;
  }

  set settings(value) {
    this.#settings = value ?? null;
    this.#handle?.update(this.#settings);
  }

  connectedCallback() {
    // A `settings` set before this element was defined is an own property hiding the setter.
    if (Object.prototype.hasOwnProperty.call(this, "settings")) {
      const value = this.settings;
      delete this.settings;
      this.#settings = value ?? null;
    }
    this.#handle ??= mount(this, this.#settings);
  }

  disconnectedCallback() {
    this.#handle?.unmount();
    this.#handle = null;
  }

  attributeChangedCallback() {
    this.#handle?.update();
  }
}

// A return from Thryve (the attempt's parameter in the address) shows its result above the
// list. The build's pre-rendered first frame has no room for it and would be pushed down when the
// app arrives, so such a load starts from empty mounts instead.
if (/[?&#]tc_attempt=/.test(location.href)) {
  for (const frame of document.querySelectorAll(`#${DIV_ID} > .tc-screen, ${TAG} > .tc-screen`)) frame.remove();
}

if (!customElements.get(TAG)) customElements.define(TAG, ThryveConnectElement);

// The simple static mount: <div id="thryve-connect" data-…>, mounted once (modules run after
// the document is parsed).
const div = document.getElementById(DIV_ID);
if (div && div.localName !== TAG) mount(div);
