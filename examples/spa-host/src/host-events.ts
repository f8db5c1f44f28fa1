// The host's record of the screen's events: `window.hostEvents`, which tests read.
import type { ThryveConnectEventMap, ThryveConnectEventName } from "thryve-connect";

/** Every event name, in the order the README lists them. */
export const EVENT_NAMES = [
  "thryve-connect:session-ready",
  "thryve-connect:connect",
  "thryve-connect:disconnect",
  "thryve-connect:result",
  "thryve-connect:error",
] as const satisfies readonly ThryveConnectEventName[];

// Fails to compile when the loader gains an event this list lacks.
type Unlisted = Exclude<ThryveConnectEventName, (typeof EVENT_NAMES)[number]>;
const everyEventListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyEventListed;

/** One received event: its name and its `detail`, typed by name. */
export type HostEvent<K extends ThryveConnectEventName = ThryveConnectEventName> = {
  [P in K]: { name: P; detail: ThryveConnectEventMap[P]["detail"] };
}[K];

declare global {
  interface Window {
    /** Every screen event the host received, oldest first. */
    hostEvents: HostEvent[];
  }
}

window.hostEvents = [];

/** One of the screen's events, as a listener receives it. */
export type ScreenEvent = ThryveConnectEventMap[ThryveConnectEventName];

/** Records one event in `window.hostEvents` and returns the entry. */
export function record(event: ScreenEvent): HostEvent {
  // The event's type names its detail's shape, so the pair matches by construction.
  const entry = { name: event.type, detail: event.detail } as HostEvent;
  window.hostEvents.push(entry);
  return entry;
}
