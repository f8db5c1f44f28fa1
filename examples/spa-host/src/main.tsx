import { StrictMode, useEffect, type JSX } from "react";
import { createRoot } from "react-dom/client";
import { Link, useRoute } from "./router";
import { Connections, Home, NotFound } from "./routes";

const ROUTES: Record<string, { title: string; Page: () => JSX.Element }> = {
  "/": { title: "Home", Page: Home },
  "/connections": { title: "Connections", Page: Connections },
};

function App() {
  const route = useRoute();
  const { title, Page } = ROUTES[route] ?? { title: "Not found", Page: NotFound };
  useEffect(() => {
    document.title = `${title} · Acme Health`;
  }, [title]);
  return (
    <>
      <nav aria-label="Main">
        <Link to="/" current={route}>Home</Link> <Link to="/connections" current={route}>Connections</Link>
      </nav>
      <main>
        <Page />
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (!root) throw new Error('the page has no <div id="app">');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
