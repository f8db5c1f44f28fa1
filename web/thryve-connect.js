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
// It also sends the first screen's session request right away, while the WebAssembly
// downloads: the app takes that answer if the request matches what it would send itself (same
// endpoint, same body); otherwise it asks again. Every rule stays in Rust; this is a head start.
//
// The build writes the hashed file names below (scripts/write-loader.sh, a Trunk hook), so this
// file's name never changes and must not be cached for long; the hashed files may be cached
// forever.

const FILES = { glue: "__TC_GLUE__", wasm: "__TC_WASM__", css: "__TC_CSS__" };

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
let prefetched = false;
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
      return glue;
    });
  }
  return app;
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
  let screen = null;
  let removed = false;
  let withdraw = () => {};
  // The early request waits a microtask, so that settings given right after the element was
  // inserted (a `getSession`, headers) are seen first.
  if (!app) {
    queueMicrotask(() => {
      if (!removed) withdraw = prefetchSession(element, current);
    });
  }
  const ready = loadApp().then((glue) => {
    if (removed) return;
    screen = glue.mountElement(element, json(current), callbacks(current));
    live.add(screen);
  });
  ready.catch((error) => console.error("thryve-connect: the app could not be loaded", error));
  const handle = {
    ready,
    /** Applies new settings (or, without an argument, re-reads the attributes). */
    update(settings) {
      if (settings !== undefined) current = settings ?? null;
      screen?.update(json(current), callbacks(current));
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
