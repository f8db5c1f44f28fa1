// A tiny hash router: the route is the part of the address after "#" ("#/connections" ->
// "/connections"), so any static server can serve the app without rewrites. Links push history
// entries with history.pushState; Back and Forward (and typed addresses) arrive as popstate.
import { useSyncExternalStore, type MouseEvent, type ReactNode } from "react";

const subscribers = new Set<() => void>();

function subscribe(onChange: () => void): () => void {
  subscribers.add(onChange);
  window.addEventListener("popstate", onChange);
  return () => {
    subscribers.delete(onChange);
    window.removeEventListener("popstate", onChange);
  };
}

function currentRoute(): string {
  return location.hash.slice(1) || "/";
}

/** The current route, e.g. "/" or "/connections". */
export function useRoute(): string {
  return useSyncExternalStore(subscribe, currentRoute);
}

/** Goes to `route` with a new history entry. */
export function navigate(route: string): void {
  if (route === currentRoute()) return;
  history.pushState(null, "", `#${route}`);
  for (const notify of subscribers) notify();
}

/** A real link (open in a new tab, copy address) that navigates in place on a plain click. */
export function Link({ to, current, children }: { to: string; current: string; children: ReactNode }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={`#${to}`} aria-current={to === current ? "page" : undefined} onClick={onClick}>
      {children}
    </a>
  );
}
