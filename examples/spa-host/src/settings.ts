// Where the screen's settings come from: the page's <body data-…> attributes, so the same build
// can be pointed at other endpoints (tests do) without rebuilding.
import type { ThryveConnectAttributes } from "thryve-connect";

const HEADING_LEVELS = ["1", "2", "3", "4", "5", "6"] as const;
type HeadingLevel = (typeof HEADING_LEVELS)[number];

function headingLevel(text: string | undefined): HeadingLevel {
  return HEADING_LEVELS.find((level) => level === text) ?? "2";
}

/** The attributes the app gives <thryve-connect>; unset ones are left out (the defaults apply). */
export function screenAttributes(data: DOMStringMap = document.body.dataset): ThryveConnectAttributes {
  return {
    "token-endpoint": data.tokenEndpoint || "/api/connection-session",
    "status-endpoint": data.statusEndpoint,
    "thryve-base-url": data.thryveBaseUrl,
    sources: data.sources,
    locale: data.locale,
    "token-max-age": data.tokenMaxAge,
    // The page's own <h1> names the route; the screen's title sits under it.
    "heading-level": headingLevel(data.headingLevel),
  };
}
