// Types for thryve-connect.js, the ES-module loader of the thryve-connect screen.
//
//   import { mount, ThryveConnectElement } from "/thryve-connect.js";
//
// Importing the module also defines the custom element <thryve-connect> (once).

/** A Thryve data source ID (Thryve's numeric `dataSource`), e.g. `1` Fitbit, `11` Strava, `18` Oura. */
export type ThryveSourceId = number;

/** A language the screen has a table for: what it speaks and reports. */
export type ThryveConnectLocale = "de" | "en" | "es" | "fr" | "it" | "nl" | "pl" | "pt-BR";

/** How a connect leaves the page: this tab goes to Thryve and back, or Thryve opens in a new tab. */
export type ThryveConnectOpen = "same-tab" | "new-tab";

/** How a disconnect is sent: a background request (the user stays), or opened like a connect. */
export type ThryveConnectDisconnect = "background" | "navigate";

/** A forced colour theme; without one the screen follows `prefers-color-scheme`. */
export type ThryveConnectTheme = "light" | "dark";

/** The level of the screen's title (`<h1>` … `<h6>`). */
export type ThryveConnectHeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

/** What requests to your endpoints carry, as `fetch` names it. */
export type ThryveConnectCredentials = "same-origin" | "include" | "omit";

/** What `getSession` is called with. */
export interface ThryveConnectSessionAsk {
  /** The screen's language: ask Thryve for a session in it. */
  locale: ThryveConnectLocale;
  /** Aborted when the answer is no longer wanted. */
  signal: AbortSignal;
}

/**
 * The token endpoint's answer: Thryve's widget answer passed through, or the short form; either
 * may carry `user`, an opaque key for the signed-in user (see the README's token endpoint
 * contract).
 */
export type ThryveConnectWidgetAnswer =
  | { type?: string; data: { url: string }; user?: string }
  | { connectionSessionToken: string; user?: string };

/** What the status may say about one connected source beyond its ID. */
export interface ThryveConnectConnection {
  id: ThryveSourceId;
  /** When it was connected: RFC 3339 ("2026-01-31T10:00:00Z"). */
  since?: string | null;
  /** When data last arrived from it: RFC 3339. */
  lastData?: string | null;
  /** The user must connect it again: the row offers Reconnect. */
  needsReconnect?: boolean | null;
}

/** The status endpoint's answer. */
export interface ThryveConnectStatusAnswer {
  /** The connected sources: IDs, or objects for those with more to say. */
  connected: (ThryveSourceId | ThryveConnectConnection)[];
}

/**
 * The screen's settings in object form (for `mount`, `update` and the element's `settings`
 * property). Every field is optional (`null` counts as not given: the attribute or the default
 * applies); an invalid value shows a configuration error listing every problem in place of the
 * screen.
 */
export interface ThryveConnectSettings {
  /** Where the connection session comes from (`POST`). Relative URLs resolve against the page. Default `/api/connection-session`. */
  tokenEndpoint?: string;
  /** Where the connected sources come from (`GET`, answers `{"connected":[1,11]}`). Default: none. */
  statusEndpoint?: string;
  /** Base of Thryve's direct pages. Default: Thryve's own service. */
  thryveBaseUrl?: string;
  /** Where Thryve sends the user back (same-tab mode); must be on the page's origin. Default: the current page. */
  redirectUri?: string;
  /** Which sources to list, in display order: IDs, or comma-separated IDs (`"11,1,18"`). Default: every web source. */
  sources?: string | number[];
  /** How a connect opens. Default `"same-tab"`. */
  open?: ThryveConnectOpen;
  /** How a disconnect is sent. Default `"background"`. */
  disconnect?: ThryveConnectDisconnect;
  /** Preferred language (`"en"`, `"de"`, `"fr"`, `"es"`, or a tag such as `"de-AT"`). Default: the page's `lang`, else the browser's. */
  locale?: string;
  /** List native-only sources (Apple Health, Samsung Health, …) as "available in our mobile app". Default `false`. */
  showNative?: boolean;
  /** Seconds after which a session token is fetched anew (1 to 86400). Default `300`. */
  tokenMaxAge?: number;
  /** Seconds before a request to your endpoints counts as failed (1 to 120). Default `10`. */
  requestTimeout?: number;
  /** Level of the screen's title. Default `2`. */
  headingLevel?: ThryveConnectHeadingLevel;
  /** Forces a colour theme. Default: the system's. */
  theme?: ThryveConnectTheme;
  /** Send the session and status requests early, while the WebAssembly loads. Default `true`. */
  prefetch?: boolean;
  /**
   * What requests to the token and status endpoints carry: `"include"` sends the cookies of an
   * API on another origin (which must answer with `Access-Control-Allow-Credentials: true` and
   * your exact origin). Default `"same-origin"`.
   */
  credentials?: ThryveConnectCredentials;
  /**
   * Extra request headers for the token and status endpoints, e.g.
   * `{ Authorization: "Bearer …" }`. Only here (never an attribute), so secrets stay out of the
   * page's markup; the API must allow them with CORS when it is on another origin.
   */
  headers?: Record<string, string>;
  /**
   * Gets a connection session from your own code instead of the token endpoint: the token
   * itself, or Thryve's widget answer as the token endpoint would return it. Called on load, for
   * every renewal and on Try again; a rejected promise shows as the token endpoint being down.
   * Pass `signal` on to your own request: it is aborted when the answer is no longer wanted
   * (the time-out passed, or the screen was removed).
   */
  getSession?: (ask: ThryveConnectSessionAsk) => Promise<string | ThryveConnectWidgetAnswer> | string | ThryveConnectWidgetAnswer;
  /**
   * Gets the connected sources from your own code instead of the status endpoint: their IDs,
   * or the status endpoint's answer. Called whenever the screen re-reads the status.
   */
  getStatus?: (ask: { signal: AbortSignal }) => Promise<ThryveConnectStatusAnswer["connected"] | ThryveConnectStatusAnswer> | ThryveConnectStatusAnswer["connected"] | ThryveConnectStatusAnswer;
  /** Display names by source ID (also lets you offer a source this version does not know yet). */
  names?: Record<number | string, string>;
  /** Logo image URLs by source ID; a source without one gets a monogram. */
  logos?: Record<number | string, string>;
  /** Sources shown first and marked "Recommended". */
  featured?: number[];
  /** Sources not shown. */
  hidden?: number[];
  /**
   * Your own wording for any message, in the screen's language, by the key of
   * `locales/en.txt`: `{ title: "Link your wearables", "button.connect.named": "Link {source}" }`.
   * A plural message takes its category: `"summary.connected.other"`. Unknown keys and
   * placeholders the message does not have are configuration errors.
   */
  texts?: Record<string, string>;
}

/**
 * The attributes of `<thryve-connect>` (all strings): the attribute form of
 * {@link ThryveConnectSettings}. `names`, `logos`, `featured`, `hidden` and `texts` have no attribute;
 * use the `settings` property.
 */
export interface ThryveConnectAttributes {
  /** See {@link ThryveConnectSettings.tokenEndpoint}. */
  "token-endpoint"?: string;
  /** See {@link ThryveConnectSettings.statusEndpoint}. */
  "status-endpoint"?: string;
  /** See {@link ThryveConnectSettings.thryveBaseUrl}. */
  "thryve-base-url"?: string;
  /** See {@link ThryveConnectSettings.redirectUri}. */
  "redirect-uri"?: string;
  /** Comma-separated source IDs in display order, e.g. `"11,1,18"`. */
  sources?: string;
  /** See {@link ThryveConnectSettings.open}. */
  open?: ThryveConnectOpen;
  /** See {@link ThryveConnectSettings.disconnect}. */
  disconnect?: ThryveConnectDisconnect;
  /** See {@link ThryveConnectSettings.locale}. */
  locale?: string;
  /** `"true"` or `"false"`; see {@link ThryveConnectSettings.showNative}. */
  "show-native"?: "true" | "false";
  /** Seconds, as a decimal integer (1 to 86400); see {@link ThryveConnectSettings.tokenMaxAge}. */
  "token-max-age"?: string;
  /** Seconds, as a decimal integer (1 to 120); see {@link ThryveConnectSettings.requestTimeout}. */
  "request-timeout"?: string;
  /** `"1"` to `"6"`; see {@link ThryveConnectSettings.headingLevel}. */
  "heading-level"?: "1" | "2" | "3" | "4" | "5" | "6";
  /** See {@link ThryveConnectSettings.theme}. */
  theme?: ThryveConnectTheme;
  /** `"true"` or `"false"`; see {@link ThryveConnectSettings.prefetch}. */
  prefetch?: "true" | "false";
  /** See {@link ThryveConnectSettings.credentials}. */
  credentials?: ThryveConnectCredentials;
}

/** What `mount` returns: control over one mounted screen. */
export interface ThryveConnectHandle {
  /** Removes the screen from its element and stops all its work (requests, timers, listeners). */
  unmount(): void;
  /**
   * Reads the settings again (the element's attributes, plus `settings` in place of the object
   * given before) and, if they changed, shows the screen with them. A still-fresh session is kept
   * when the token endpoint and the language stay the same.
   */
  update(settings?: ThryveConnectSettings): void;
  /** Resolves once the screen is rendered (after the WebAssembly loaded). */
  readonly ready: Promise<void>;
}

/** How an action leaves (or does not leave) the page. */
export type ThryveConnectMode = "same-tab" | "new-tab" | "background";

/** What the user asked for. */
export type ThryveConnectAction = "connect" | "disconnect";

/** Whether an attempt did what the user asked (`"failure"`: refused, cancelled, or no answer). */
export type ThryveConnectOutcome = "success" | "failure";

/**
 * What was going on when an error happened: getting a session from the token endpoint, reading
 * the status endpoint, a background disconnect, or opening a new tab.
 */
export type ThryveConnectErrorContext = "session" | "status" | "disconnect" | "popup-blocked";

/**
 * A short machine-readable cause: no answer (offline, DNS, CORS, refused), no answer in time, a
 * non-2xx status, a token answer without a usable token, a status answer that is not
 * `{"connected":[...]}`, the browser refused to open a tab, or your `getSession`/`getStatus`
 * rejected.
 */
export type ThryveConnectErrorKind =
  | "network"
  | "timeout"
  | "http-status"
  | "bad-token-response"
  | "bad-status-response"
  | "popup-blocked"
  | "rejected";

/** `detail` of `thryve-connect:session-ready`: a session token arrived (on load, on retry, and on every refresh). */
export interface ThryveConnectSessionReadyDetail {
  /** The screen's language. */
  locale: ThryveConnectLocale;
}

/** `detail` of `thryve-connect:connect` (a connect started) and `thryve-connect:disconnect` (a disconnect confirmed). */
export interface ThryveConnectStartDetail {
  /** The data source. */
  source: ThryveSourceId;
  /** Its name as shown. */
  sourceName: string;
  /** How it is opened. */
  mode: ThryveConnectMode;
  /** Same-tab mode: the attempt's random ID, repeated in the matching result; otherwise `null`. */
  attempt: string | null;
}

/** `detail` of `thryve-connect:result`: a connect or disconnect finished (on return, or after a background disconnect). */
export interface ThryveConnectResultDetail {
  /** The data source. */
  source: ThryveSourceId;
  /** Its name as shown. */
  sourceName: string;
  /** What was attempted. */
  action: ThryveConnectAction;
  /** Whether it worked. */
  outcome: ThryveConnectOutcome;
  /** The source's state after the attempt. */
  connected: boolean;
  /** Same-tab mode: the attempt's ID (as in the start event); otherwise `null`. */
  attempt: string | null;
}

/** `detail` of `thryve-connect:error`: something failed that the user sees as an error. */
export interface ThryveConnectErrorDetail {
  /** What was going on. */
  context: ThryveConnectErrorContext;
  /** A short machine-readable cause. */
  kind: ThryveConnectErrorKind;
  /** A developer-facing description (English). */
  message: string;
  /** The data source concerned, or `null`. */
  source: ThryveSourceId | null;
}

/**
 * The screen's events: bubbling, composed, not cancelable `CustomEvent`s dispatched on the
 * mount element (listen on it, an ancestor, or `document`).
 */
export interface ThryveConnectEventMap {
  /** A session token arrived (on load, on retry, and on every refresh). */
  "thryve-connect:session-ready": CustomEvent<ThryveConnectSessionReadyDetail>;
  /** The user started a connect. */
  "thryve-connect:connect": CustomEvent<ThryveConnectStartDetail>;
  /** The user confirmed a disconnect. */
  "thryve-connect:disconnect": CustomEvent<ThryveConnectStartDetail>;
  /** An outcome is known. */
  "thryve-connect:result": CustomEvent<ThryveConnectResultDetail>;
  /** Something failed that the user sees. */
  "thryve-connect:error": CustomEvent<ThryveConnectErrorDetail>;
}

/** The name of one of the screen's events. */
export type ThryveConnectEventName = keyof ThryveConnectEventMap;

/**
 * Mounts the screen into `element` (any element; its content other than a JSON settings block is
 * replaced) and returns a handle to update or remove it. `settings` win over what the element's
 * attributes say. Events are dispatched on `element`. On an element that already shows a screen
 * (a `<thryve-connect>`, or one mounted before), it updates that screen and returns its handle.
 */
export declare function mount(element: HTMLElement, settings?: ThryveConnectSettings): ThryveConnectHandle;

/**
 * `<thryve-connect>`: the screen as a custom element (light DOM). It mounts when connected to the
 * document and unmounts when removed; settings come from its attributes
 * ({@link ThryveConnectAttributes}) and its `settings` property.
 */
export declare class ThryveConnectElement extends HTMLElement {
  /** Settings in object form; each field given wins over its attribute. `null` (the default): attributes only. */
  settings: ThryveConnectSettings | null;
}

declare global {
  interface HTMLElementTagNameMap {
    "thryve-connect": ThryveConnectElement;
  }
  /** The events bubble: typed on the element and on any ancestor. */
  interface HTMLElementEventMap extends ThryveConnectEventMap {}
  /** The events bubble (and are composed) up to `document`. */
  interface DocumentEventMap extends ThryveConnectEventMap {}
}
