// Where the screen's settings come from: the page's <body data-…> attributes, so the same build
// can be pointed at other endpoints (tests do) without rebuilding; and the app's own code, which
// gets the connection session from the app's API with the app's own credentials.
import type { ThryveConnectAttributes, ThryveConnectSessionAsk, ThryveConnectSettings, ThryveConnectWidgetAnswer } from "thryve-connect";

const HEADING_LEVELS = ["1", "2", "3", "4", "5", "6"] as const;
type HeadingLevel = (typeof HEADING_LEVELS)[number];

function headingLevel(text: string | undefined): HeadingLevel {
  return HEADING_LEVELS.find((level) => level === text) ?? "2";
}

/** The attributes the app gives <thryve-connect>; unset ones are left out (the defaults apply). */
export function screenAttributes(data: DOMStringMap = document.body.dataset): ThryveConnectAttributes {
  return {
    "status-endpoint": data.statusEndpoint,
    "thryve-base-url": data.thryveBaseUrl,
    sources: data.sources,
    locale: data.locale,
    "token-max-age": data.tokenMaxAge,
    // The page's own <h1> names the route; the screen's title sits under it.
    "heading-level": headingLevel(data.headingLevel),
  };
}

/**
 * The app's access token for its own API. A real app gets it at sign-in and keeps it in memory
 * (never in markup or storage); the screen never sees it: the app asks for the session itself.
 */
const ACCESS_TOKEN = "spa-host-demo-token";

/** Asks the app's API for a connection session, the way the app calls its API everywhere. */
async function getSession({ locale, signal }: ThryveConnectSessionAsk): Promise<ThryveConnectWidgetAnswer> {
  const endpoint = document.body.dataset.tokenEndpoint || "/api/connection-session";
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { Authorization: `Bearer ${ACCESS_TOKEN}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ locale }),
    signal,
  });
  if (!response.ok) throw new Error(`the session request failed with HTTP ${response.status}`);
  return response.json();
}

/** The screen's settings object: one, for the app's lifetime (a new object would be an update). */
export const screenSettings: ThryveConnectSettings = { getSession };
