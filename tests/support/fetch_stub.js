// A scripted stand-in for window.fetch in the browser tests: routes by URL substring, records
// every request. The app's own code is untouched: it calls window.fetch as always.
const state = { routes: new Map(), requests: [], deferred: new Map() };

function route(path) {
  for (const [key, value] of state.routes) {
    if (path.includes(key)) return value;
  }
  return null;
}

const realFetch = window.fetch.bind(window);

window.fetch = async (input, init) => {
  const request = input instanceof Request ? input : new Request(input, init);
  // The test harness loads its own files with fetch: only what a test stubbed is intercepted.
  if (!route(request.url)) return realFetch(input, init);
  // Recorded at once (the body follows), so a request belongs to the test that made it.
  const record = {
    url: request.url,
    method: request.method,
    body: null,
    mode: request.mode,
    credentials: request.credentials,
    authorization: request.headers.get("authorization"),
    aborted: false,
  };
  state.requests.push(record);
  request.signal.addEventListener("abort", () => (record.aborted = true));
  if (request.method !== "GET" && request.method !== "HEAD") {
    record.body = await request.clone().text();
  }
  const answer = route(request.url);
  if (answer.kind === "fail") throw new TypeError("Failed to fetch");
  if (answer.kind === "hang" || answer.kind === "defer") {
    return new Promise((resolve, reject) => {
      request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      if (answer.kind === "defer") {
        state.deferred.set(answer.path, resolve);
      }
    });
  }
  const text = answer.bodies.length > 1 ? answer.bodies.shift() : answer.bodies[0];
  return new Response(text, { status: answer.status, headers: { "content-type": "application/json" } });
};

export function stub_reset() {
  state.routes.clear();
  state.requests.length = 0;
  state.deferred.clear();
}

export function stub_route(path, status, bodies) {
  state.routes.set(path, { kind: "answer", status, bodies: [...bodies] });
}

export function stub_hang(path) {
  state.routes.set(path, { kind: "hang", path });
}

export function stub_defer(path) {
  state.routes.set(path, { kind: "defer", path });
}

export function stub_release(path, status, body) {
  const resolve = state.deferred.get(path);
  if (resolve) resolve(new Response(body, { status, headers: { "content-type": "application/json" } }));
  state.routes.set(path, { kind: "answer", status, bodies: [body] });
}

export function stub_fail(path) {
  state.routes.set(path, { kind: "fail" });
}

export function stub_requests() {
  return state.requests;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
