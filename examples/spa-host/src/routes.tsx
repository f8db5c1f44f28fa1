// The app's pages. Connections shows the thryve-connect screen and the host's log of its events.
import { useEffect, useRef, useState } from "react";
import type { ThryveConnectElement } from "thryve-connect";
import { EVENT_NAMES, record, type HostEvent, type ScreenEvent } from "./host-events";
import { screenAttributes, screenSettings } from "./settings";

export function Home() {
  return (
    <>
      <h1>Home</h1>
      <p>Welcome back. Link your wearables under Connections, and your activity and sleep fill in by themselves.</p>
    </>
  );
}

export function Connections() {
  const screen = useRef<ThryveConnectElement>(null);
  const [received, setReceived] = useState<HostEvent[]>([]);

  useEffect(() => {
    const element = screen.current;
    if (!element) return;
    // One listener per event name, removed again when the route is left.
    const listeners = EVENT_NAMES.map((name) => {
      const listener = (event: ScreenEvent) => {
        const entry = record(event);
        setReceived((list) => [...list, entry]);
      };
      element.addEventListener(name, listener);
      return () => element.removeEventListener(name, listener);
    });
    return () => listeners.forEach((remove) => remove());
  }, []);

  return (
    <>
      <h1>Connections</h1>
      <thryve-connect ref={screen} settings={screenSettings} {...screenAttributes()} />
      <section aria-labelledby="host-events-title">
        <h2 id="host-events-title">Events received</h2>
        <ul data-testid="host-events">
          {received.map((entry, i) => (
            <li key={i}>{entry.name}</li>
          ))}
        </ul>
      </section>
    </>
  );
}

export function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>There is no page at this address.</p>
    </>
  );
}
