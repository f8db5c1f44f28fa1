// A type check of web/thryve-connect.d.ts (`npm run check`), not part of the app: it is never
// imported, so the bundle does not contain it. Every line must compile; every
// `@ts-expect-error` line must not (tsc fails when one of them compiles).
import { mount, ThryveConnectElement } from "thryve-connect";
import type {
  ThryveConnectAction,
  ThryveConnectAttributes,
  ThryveConnectErrorContext,
  ThryveConnectErrorDetail,
  ThryveConnectErrorKind,
  ThryveConnectEventMap,
  ThryveConnectEventName,
  ThryveConnectHandle,
  ThryveConnectLocale,
  ThryveConnectMode,
  ThryveConnectOutcome,
  ThryveConnectResultDetail,
  ThryveConnectSessionAsk,
  ThryveConnectSessionReadyDetail,
  ThryveConnectSettings,
  ThryveConnectStatusAnswer,
  ThryveConnectWidgetAnswer,
  ThryveConnectStartDetail,
  ThryveSourceId,
} from "thryve-connect";

/** Makes a switch exhaustive: compiles only when every case is handled. */
function unreachable(value: never): never {
  throw new Error(`unexpected ${String(value)}`);
}

function describeMode(mode: ThryveConnectMode): string {
  switch (mode) {
    case "same-tab":
      return "this tab";
    case "new-tab":
      return "a new tab";
    case "background":
      return "in the background";
    default:
      return unreachable(mode);
  }
}

function describeAction(action: ThryveConnectAction, outcome: ThryveConnectOutcome): string {
  const verb = action === "connect" ? "connect" : "disconnect";
  return outcome === "success" ? `${verb} worked` : `${verb} failed`;
}

function describeError(context: ThryveConnectErrorContext, kind: ThryveConnectErrorKind): string {
  switch (kind) {
    case "network":
    case "timeout":
    case "http-status":
    case "bad-token-response":
    case "bad-status-response":
    case "popup-blocked":
    case "rejected":
      return `${context}: ${kind}`;
    default:
      return unreachable(kind);
  }
}

export async function usage(host: HTMLElement): Promise<void> {
  // mount / update / unmount, with every setting.
  const settings: ThryveConnectSettings = {
    tokenEndpoint: "/api/connection-session",
    statusEndpoint: "/api/connection-status",
    thryveBaseUrl: "/sandbox/",
    redirectUri: "/settings/devices",
    sources: [11, 1, 18, 2],
    open: "new-tab",
    disconnect: "background",
    locale: "de-AT",
    showNative: true,
    tokenMaxAge: 600,
    requestTimeout: 15,
    headingLevel: 3,
    theme: "dark",
    prefetch: false,
    names: { 18: "Oura Ring", "1": "Fitbit" },
    logos: { 1: "/img/fitbit.svg", "11": "/img/strava.svg" },
    featured: [18],
    hidden: [2],
  };
  const handle: ThryveConnectHandle = mount(host, settings);

  // A session and the status from the host's own code, and auth for an API on another origin.
  const bearer = "token-held-by-the-app";
  const viaCode: ThryveConnectSettings = {
    getSession: async ({ locale, signal }: ThryveConnectSessionAsk) => {
      const response = await fetch("https://api.example.com/thryve/session", {
        method: "POST",
        headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
        body: JSON.stringify({ locale }),
        signal,
      });
      if (!response.ok) throw new Error(`session: ${response.status}`);
      const answer: ThryveConnectWidgetAnswer = await response.json();
      return answer;
    },
    getStatus: async ({ signal }) => {
      const response = await fetch("https://api.example.com/thryve/status", { signal });
      const answer: ThryveConnectStatusAnswer = await response.json();
      return answer.connected;
    },
  };
  const viaHeaders: ThryveConnectSettings = {
    tokenEndpoint: "https://api.example.com/thryve/session",
    credentials: "include",
    headers: { Authorization: `Bearer ${bearer}` },
  };
  const plainToken: ThryveConnectSettings = { getSession: () => "1060285265X4247109939067552841" };
  const detailed: ThryveConnectSettings = {
    getStatus: () => [11, { id: 1, since: "2026-01-31T10:00:00Z", lastData: null, needsReconnect: true }],
  };
  // @ts-expect-error: needsReconnect is a boolean
  const wrongDetail: ThryveConnectSettings = { getStatus: () => [{ id: 1, needsReconnect: "yes" }] };
  // @ts-expect-error: a session is a token or a widget answer, not a number
  const wrongSession: ThryveConnectSettings = { getSession: async () => 42 };
  // @ts-expect-error: credentials are what fetch knows
  const wrongCredentials: ThryveConnectSettings = { credentials: "always" };
  // @ts-expect-error: header values are text
  const wrongHeaders: ThryveConnectSettings = { headers: { "X-Count": 1 } };
  void [viaCode, viaHeaders, plainToken, detailed, wrongDetail, wrongSession, wrongCredentials, wrongHeaders];
  const ready: Promise<void> = handle.ready;
  await ready;
  handle.update({ ...settings, sources: "11,1,18", open: "same-tab", disconnect: "navigate", theme: "light" });
  handle.update();
  handle.unmount();
  const plain = mount(host);
  await plain.ready;
  plain.unmount();

  // The element: created by name (typed through HTMLElementTagNameMap), attributes, settings.
  const element = document.createElement("thryve-connect");
  const typed: ThryveConnectElement = element;
  const found: ThryveConnectElement | null = document.querySelector("thryve-connect");
  const isScreen: boolean = found instanceof ThryveConnectElement;
  const attributes: ThryveConnectAttributes = {
    "token-endpoint": "/api/connection-session",
    "status-endpoint": "/api/connection-status",
    "thryve-base-url": "/sandbox/",
    "redirect-uri": "/settings/devices",
    sources: "11,1,18",
    open: "same-tab",
    disconnect: "navigate",
    locale: "fr",
    "show-native": "false",
    "token-max-age": "300",
    "request-timeout": "10",
    "heading-level": "2",
    theme: "light",
    prefetch: "true",
    credentials: "include",
  };
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) typed.setAttribute(name, value);
  }
  element.settings = { names: { 18: "Oura Ring" }, logos: { 18: "/img/oura.svg" }, featured: [18] };
  const current: ThryveConnectSettings | null = element.settings;
  element.settings = null;
  void [current, isScreen];
  host.append(element);

  // Every event, with every detail field read at its type.
  element.addEventListener("thryve-connect:session-ready", (event) => {
    const detail: ThryveConnectSessionReadyDetail = event.detail;
    const locale: ThryveConnectLocale = detail.locale;
    console.log(locale);
  });
  element.addEventListener("thryve-connect:connect", (event) => {
    const detail: ThryveConnectStartDetail = event.detail;
    const source: ThryveSourceId = detail.source;
    const name: string = detail.sourceName;
    const attempt: string | null = detail.attempt;
    console.log(source.toFixed(0), name, describeMode(detail.mode), attempt ?? "no attempt");
  });
  element.addEventListener("thryve-connect:disconnect", (event) => {
    const { source, sourceName, mode, attempt } = event.detail;
    const id: number = source;
    const name: string = sourceName;
    const same: boolean = attempt !== null && attempt.length > 0;
    console.log(id, name, describeMode(mode), same);
  });
  element.addEventListener("thryve-connect:result", (event) => {
    const detail: ThryveConnectResultDetail = event.detail;
    const source: number = detail.source;
    const name: string = detail.sourceName;
    const action: ThryveConnectAction = detail.action;
    const outcome: ThryveConnectOutcome = detail.outcome;
    const connected: boolean = detail.connected;
    const attempt: string | null = detail.attempt;
    console.log(source, name, describeAction(action, outcome), connected, attempt);
  });
  element.addEventListener("thryve-connect:error", (event) => {
    const detail: ThryveConnectErrorDetail = event.detail;
    const context: ThryveConnectErrorContext = detail.context;
    const kind: ThryveConnectErrorKind = detail.kind;
    const message: string = detail.message;
    const source: number | null = detail.source;
    console.log(describeError(context, kind), message, source?.toFixed(0) ?? "no source");
  });

  // The events bubble: typed on an ancestor and on the document too.
  host.addEventListener("thryve-connect:result", (event) => {
    const connected: boolean = event.detail.connected;
    console.log(connected);
  });
  document.addEventListener("thryve-connect:error", (event) => {
    const kind: ThryveConnectErrorKind = event.detail.kind;
    console.log(kind);
  });

  // One listener for all of them, narrowed by name.
  const names: ThryveConnectEventName[] = [
    "thryve-connect:session-ready",
    "thryve-connect:connect",
    "thryve-connect:disconnect",
    "thryve-connect:result",
    "thryve-connect:error",
  ];
  const onAny = (event: ThryveConnectEventMap[ThryveConnectEventName]) => console.log(event.type, event.detail);
  for (const name of names) element.addEventListener(name, onAny);
  for (const name of names) element.removeEventListener(name, onAny);

  // Wrong types are rejected.
  // @ts-expect-error: "popup" is not a way to open
  mount(host, { open: "popup" });
  // @ts-expect-error: heading levels are 1 to 6
  mount(host, { headingLevel: 7 });
  // @ts-expect-error: the object form takes numbers, not text
  mount(host, { tokenMaxAge: "300" });
  // @ts-expect-error: source IDs are numbers
  mount(host, { sources: ["11", "1"] });
  // @ts-expect-error: no such setting
  mount(host, { tokenEndpont: "/api/connection-session" });
  // @ts-expect-error: mount needs an element
  mount("#thryve-connect");
  // @ts-expect-error: not a theme
  element.settings = { theme: "blue" };
  // @ts-expect-error: attributes are strings
  const numeric: ThryveConnectAttributes = { "heading-level": 2 };
  // @ts-expect-error: ready is read-only
  handle.ready = Promise.resolve();
  element.addEventListener("thryve-connect:result", (event) => {
    // @ts-expect-error: `connected` is a boolean
    const text: string = event.detail.connected;
    // @ts-expect-error: `outcome` is "success" or "failure"
    if (event.detail.outcome === "ok") console.log(text);
    // @ts-expect-error: `attempt` may be null
    const attempt: string = event.detail.attempt;
    console.log(attempt);
  });
  element.addEventListener("thryve-connect:error", (event) => {
    // @ts-expect-error: `source` may be null
    console.log(event.detail.source.toFixed(0));
  });
  element.addEventListener("thryve-connect:session-ready", (event) => {
    // @ts-expect-error: session-ready has no `source`
    console.log(event.detail.source);
  });
  void numeric;
}
