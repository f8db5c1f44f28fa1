// The host page's own script: listens to thryve-connect's events (they bubble from the mount
// element) and switches the theme. External file, so the page keeps a strict CSP.
const mount = document.getElementById("thryve-connect");
const activity = document.getElementById("activity");

function describe(type, detail) {
  switch (type) {
    case "thryve-connect:session-ready":
      return "Ready to connect";
    case "thryve-connect:connect":
      return `Opening ${detail.sourceName}`;
    case "thryve-connect:disconnect":
      return `Disconnecting ${detail.sourceName}`;
    case "thryve-connect:result":
      return `${detail.sourceName}: ${detail.action} ${detail.outcome}`;
    case "thryve-connect:error":
      return `Problem (${detail.context}: ${detail.kind})`;
    default:
      return type;
  }
}

for (const type of ["session-ready", "connect", "disconnect", "result", "error"]) {
  mount.addEventListener(`thryve-connect:${type}`, (event) => {
    const item = document.createElement("li");
    item.textContent = describe(event.type, event.detail);
    item.dataset.event = event.type;
    activity.prepend(item);
  });
}

const toggle = document.getElementById("theme-toggle");
toggle.addEventListener("click", () => {
  const dark = document.documentElement.dataset.theme !== "dark";
  document.documentElement.dataset.theme = dark ? "dark" : "light";
  toggle.setAttribute("aria-pressed", String(dark));
});
