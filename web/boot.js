// Starts thryve-connect without an inline script, so the page works under a Content-Security-Policy
// that forbids them (script-src 'self' 'wasm-unsafe-eval'). Trunk writes the hashed file names into
// this script's data attributes (Trunk.toml, pattern_script).
//
// It also sends the session request right away, while the WebAssembly downloads: the app takes
// that answer if the request matches what it would send itself (same endpoint, same body);
// otherwise it asks again. The rules stay in Rust (src/config.rs); this is only a head start.

// Keep in sync with protocol/locales/*.txt (a host test checks it).
const LOCALES = ["de", "en", "es", "fr"];

function languageGuess(mount) {
  const candidates = [mount.getAttribute("data-locale"), document.documentElement.lang, ...(navigator.languages || [])];
  for (const tag of candidates) {
    const code = (tag || "").trim().split(/[-_]/)[0].toLowerCase();
    if (LOCALES.includes(code)) return code;
  }
  return "en";
}

function prefetchSession() {
  const mount = document.getElementById("thryve-connect");
  if (!mount || mount.getAttribute("data-prefetch") === "false") return;
  const url = new URL(mount.getAttribute("data-token-endpoint") || "/api/connection-session", location.href).href;
  const body = JSON.stringify({ locale: languageGuess(mount) });
  const response = fetch(url, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    credentials: "same-origin",
    body,
  });
  // Whoever takes it handles a failure; untaken, it must not be reported as unhandled.
  response.catch(() => {});
  window.__thryveConnectPrefetch = { url, body, response };
}

const script = document.querySelector("script[data-tc-wasm]");
prefetchSession();
const { default: init } = await import(script.dataset.tcJs);
await init({ module_or_path: script.dataset.tcWasm });
