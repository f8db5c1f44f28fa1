// The list with working Connect buttons, written the usual React way: fetch the session in an
// effect after the first render, then enable the buttons. For the speed comparison only.
import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";

const SOURCES = [[1, "Fitbit"], [2, "Garmin"], [3, "Polar"], [8, "Withings"], [11, "Strava"], [16, "Omron Connect"],
  [17, "Suunto"], [18, "Oura"], [21, "iHealth"], [27, "Beurer"], [38, "Huawei Health"], [41, "Dexcom"], [42, "Whoop"],
  [43, "Decathlon"], [45, "Komoot"], [46, "FreeStyle Libre"]];

function Screen() {
  const [token, setToken] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    fetch("/api/connection-session", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ locale: "en" }),
    })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((answer) => setToken(new URL(answer.data.url).searchParams.get("connectionSessionToken")))
      .catch(setError);
  }, []);
  const connect = (id) => {
    const url = new URL("/sandbox/dataSourceDirectConnection.html", location.href);
    url.searchParams.set("token", token);
    url.searchParams.set("dataSource", id);
    url.searchParams.set("redirect_uri", location.href);
    location.assign(url);
  };
  return (
    <section className="tc-screen">
      <h1 className="tc-screen__title">Connect your data sources</h1>
      {error && <p role="alert">We couldn't prepare the connection.</p>}
      <ul className="tc-list">
        {SOURCES.map(([id, name]) => (
          <li className="tc-source" key={id}>
            <span className="tc-source__name">{name}</span>
            <button className="tc-button tc-button--primary" aria-label={`Connect ${name}`} disabled={!token} onClick={() => connect(id)}>
              Connect
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

createRoot(document.getElementById("thryve-connect")).render(<Screen />);
