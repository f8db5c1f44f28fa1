// The plain-JavaScript floor for the speed comparison: the least a page can do to show the list
// with working Connect buttons (same token request, same URL, same styles). Not a product.
const SOURCES = [[1, "Fitbit"], [2, "Garmin"], [3, "Polar"], [8, "Withings"], [11, "Strava"], [16, "Omron Connect"],
  [17, "Suunto"], [18, "Oura"], [21, "iHealth"], [27, "Beurer"], [38, "Huawei Health"], [41, "Dexcom"], [42, "Whoop"],
  [43, "Decathlon"], [45, "Komoot"], [46, "FreeStyle Libre"]];
const mount = document.getElementById("thryve-connect");
const session = fetch("/api/connection-session", {
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/json" },
  body: JSON.stringify({ locale: "en" }),
}).then((r) => r.json());
mount.innerHTML = `<section class="tc-screen"><h1 class="tc-screen__title">Connect your data sources</h1><ul class="tc-list">${SOURCES.map(
  ([id, name]) => `<li class="tc-source"><span class="tc-source__name">${name}</span><button class="tc-button tc-button--primary" aria-label="Connect ${name}" data-id="${id}" disabled>Connect</button></li>`,
).join("")}</ul></section>`;
session.then((answer) => {
  const token = new URL(answer.data.url).searchParams.get("connectionSessionToken");
  for (const button of mount.querySelectorAll("button")) {
    button.disabled = false;
    button.onclick = () => {
      const url = new URL("/sandbox/dataSourceDirectConnection.html", location.href);
      url.searchParams.set("token", token);
      url.searchParams.set("dataSource", button.dataset.id);
      url.searchParams.set("redirect_uri", location.href);
      location.assign(url);
    };
  }
});
