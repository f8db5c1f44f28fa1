// What the perf tools share: the network profiles, the CPU slowdown, and the pages besides the
// standalone one (each a variant of it, or a host page that embeds the screen).

export const PROFILES = {
  // Lighthouse's mobile profile: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
  "Lighthouse mobile": { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
  // Chrome DevTools' "Slow 4G" preset (the former "Fast 3G"): 562.5 ms round trip, 1.44 Mbit/s
  // down, 675 kbit/s up, each with DevTools' 0.9 factor.
  "Slow 4G": { offline: false, latency: 562.5, downloadThroughput: (1.44e6 / 8) * 0.9, uploadThroughput: (675e3 / 8) * 0.9 },
};
export const CPU_SLOWDOWN = 4;

export const VARIANT_PAGES = {
  "no-frame.html": { frame: false },
  // A host page that embeds the screen with the one script tag and the element: no preload
  // links, no pre-rendered frame.
  "embedded.html": {
    html: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host</title><script type="module" src="/thryve-connect.js"></script></head><body><main><h1>Your account</h1><thryve-connect token-endpoint="/api/connection-session"></thryve-connect></main></body></html>`,
  },
  "no-prefetch.html": { attributes: { "data-token-endpoint": "/api/connection-session", "data-heading-level": "1", "data-prefetch": "false" } },
  // The same screen with 16 sources and with 3 (neither with the frame): what a row costs.
  "all-sources.html": { attributes: { "data-token-endpoint": "/api/connection-session", "data-heading-level": "1" } },
  "three-sources.html": { attributes: { "data-token-endpoint": "/api/connection-session", "data-heading-level": "1", "data-sources": "1,2,3" } },
};
