//! The server on a free port, in both modes. Live mode runs against a local stub of Thryve's API
//! that checks the exact requests Thryve expects and can fail the ways Thryve can.

mod common;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use common::{client, log_text, start};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use thryve_connect_protocol::endpoint::{DEFAULT_USER_HEADER, SESSION_PATH, STATUS_PATH};
use thryve_connect_server::{Credentials, Live, Mode, Secret, Settings};

// ----- captured logs -----

// ----- helpers -----

async fn get(url: impl reqwest::IntoUrl) -> reqwest::Response {
    client().get(url).send().await.unwrap()
}

async fn get_as(url: impl reqwest::IntoUrl, user: &str) -> reqwest::Response {
    client()
        .get(url)
        .header(DEFAULT_USER_HEADER, user)
        .send()
        .await
        .unwrap()
}

async fn get_query(url: impl reqwest::IntoUrl, query: &[(&str, &str)]) -> reqwest::Response {
    client().get(url).query(query).send().await.unwrap()
}

async fn post_form(url: impl reqwest::IntoUrl, form: &[(&str, &str)]) -> reqwest::Response {
    client().post(url).form(form).send().await.unwrap()
}

/// A dist folder with a page, a hashed asset and its brotli variant.
fn dist() -> PathBuf {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tc-server-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            format!(r#"<!DOCTYPE html><html><body><div id="thryve-connect" data-token-endpoint="{SESSION_PATH}"></div></body></html>"#),
        )
        .unwrap();
        std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(dir.join("app-0123456789abcdef_bg.wasm.br"), b"brotli bytes").unwrap();
        std::fs::write(dir.join("boot.js"), b"// boot").unwrap();
        dir
    })
    .clone()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn token_of(session: &Value) -> String {
    let url = url::Url::parse(session["data"]["url"].as_str().unwrap()).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "connectionSessionToken")
        .unwrap()
        .1
        .into_owned()
}

async fn sandbox_session(base: &str, user: &str) -> String {
    let response = client()
        .post(format!("{base}{SESSION_PATH}"))
        .header(DEFAULT_USER_HEADER, user)
        .json(&json!({ "locale": "de" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "enduser.widget.connection");
    assert!(body["data"]["url"].as_str().unwrap().contains("lang=de"));
    token_of(&body)
}

/// The sandbox's status answer with each entry reduced to its ID (the sandbox adds times).
async fn sandbox_status(base: &str, user: &str) -> Value {
    let status: Value = get_as(format!("{base}{STATUS_PATH}"), user)
        .await
        .json()
        .await
        .unwrap();
    ids_only(&status)
}

fn ids_only(status: &Value) -> Value {
    let ids: Vec<Value> = status["connected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry.get("id").unwrap_or(entry).clone())
        .collect();
    json!({ "connected": ids })
}

// ----- sandbox -----

#[tokio::test]
async fn sandbox_connect_allow_then_revoke_in_the_background() {
    let base = start(Settings::sandbox(dist())).await;
    let token = sandbox_session(&base, "alice").await;
    assert_eq!(token.len(), 30);
    assert_eq!(
        sandbox_status(&base, "alice").await,
        json!({ "connected": [] })
    );

    let redirect = format!("{base}/settings?tab=a");
    let consent = get_query(
        format!("{base}/sandbox/dataSourceDirectConnection.html"),
        &[
            ("token", token.as_str()),
            ("dataSource", "1"),
            ("redirect_uri", redirect.as_str()),
        ],
    )
    .await;
    assert_eq!(consent.status(), 200);
    let html = consent.text().await.unwrap();
    assert!(html.contains("Allow Demo App to read your Fitbit data?"));
    assert!(html.contains(r#"value="allow""#) && html.contains(r#"value="deny""#));

    let allowed = post_form(
        format!("{base}/sandbox/authorize"),
        &[
            ("token", token.as_str()),
            ("dataSource", "1"),
            ("redirect_uri", redirect.as_str()),
            ("decision", "allow"),
        ],
    )
    .await;
    assert_eq!(allowed.status(), 303);
    let result = location(&allowed);
    assert!(result.starts_with(
        "/sandbox/dataSourceDirectConnectionResult.html?dataSource=1&connected=true&redirect_uri="
    ));
    let forwarded = get(format!("{base}{result}")).await;
    assert_eq!(forwarded.status(), 303);
    assert_eq!(
        location(&forwarded),
        format!("{base}/settings?tab=a&dataSource=1&connected=true")
    );
    assert_eq!(
        sandbox_status(&base, "alice").await,
        json!({ "connected": [1] })
    );
    assert_eq!(
        sandbox_status(&base, "bob").await,
        json!({ "connected": [] }),
        "state is per user"
    );

    // A plain background GET with direct=true revokes.
    let revoke = get_query(
        format!("{base}/sandbox/dataSourceDirectRevoke.html"),
        &[
            ("token", token.as_str()),
            ("dataSource", "1"),
            ("direct", "true"),
        ],
    )
    .await;
    assert_eq!(revoke.status(), 200);
    assert!(revoke
        .text()
        .await
        .unwrap()
        .contains(r#"data-connected="false""#));
    assert_eq!(
        sandbox_status(&base, "alice").await,
        json!({ "connected": [] })
    );

    let log: Value = get(format!("{base}/sandbox/_test/log"))
        .await
        .json()
        .await
        .unwrap();
    let events: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, vec!["connect-page", "authorize", "revoke"]);
    assert_eq!(log[2]["direct"], "true");
    assert_eq!(log[2]["outcome"], "revoked");
}

#[tokio::test]
async fn sandbox_deny_unknown_expired_and_unknown_source_end_in_connected_false() {
    let settings = Settings {
        mode: Mode::Sandbox {
            token_ttl: Duration::from_secs(1),
            test_hooks: false,
        },
        ..Settings::sandbox(dist())
    };
    let base = start(settings).await;
    let redirect = format!("{base}/");
    let token = sandbox_session(&base, "carol").await;
    assert_eq!(
        get(format!("{base}/sandbox/_test/log")).await.status(),
        404,
        "test hooks only when asked for"
    );
    let elsewhere = get_query(
        format!("{base}/sandbox/dataSourceDirectConnectionResult.html"),
        &[
            ("dataSource", "1"),
            ("connected", "true"),
            ("redirect_uri", "https://evil.example.net/"),
        ],
    )
    .await;
    assert_eq!(elsewhere.status(), 400, "no open redirect to another host");

    let denied = post_form(
        format!("{base}/sandbox/authorize"),
        &[
            ("token", token.as_str()),
            ("dataSource", "11"),
            ("redirect_uri", redirect.as_str()),
            ("decision", "deny"),
        ],
    )
    .await;
    assert!(location(&denied).contains("dataSource=11&connected=false"));

    for (token, source) in [
        ("nope", "1"),
        (token.as_str(), "12"),
        (token.as_str(), "5"),
        (token.as_str(), "x"),
    ] {
        let page = get_query(
            format!("{base}/sandbox/dataSourceDirectConnection.html"),
            &[
                ("token", token),
                ("dataSource", source),
                ("redirect_uri", redirect.as_str()),
            ],
        )
        .await;
        assert_eq!(page.status(), 303, "{token} {source}");
        assert!(
            location(&page).contains("connected=false"),
            "{token} {source}"
        );
    }

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = get_query(
        format!("{base}/sandbox/dataSourceDirectConnection.html"),
        &[("token", token.as_str()), ("dataSource", "1")],
    )
    .await;
    assert_eq!(expired.status(), 303);
    let result = client()
        .get(format!("{base}{}", location(&expired)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        result.status(),
        200,
        "no redirect_uri: Thryve's own result page"
    );
    assert!(result
        .text()
        .await
        .unwrap()
        .contains("Fitbit is not connected."));

    // A revoke with a dead token fails: connected stays true.
    let revoke = get_query(
        format!("{base}/sandbox/dataSourceDirectRevoke.html"),
        &[
            ("token", "dead"),
            ("dataSource", "1"),
            ("direct", "true"),
            ("redirect_uri", redirect.as_str()),
        ],
    )
    .await;
    assert!(location(&revoke).contains("connected=true"));
    assert_eq!(
        sandbox_status(&base, "carol").await,
        json!({ "connected": [] })
    );
}

#[tokio::test]
async fn sandbox_faults_can_be_switched_for_tests() {
    let base = start(Settings::sandbox(dist())).await;
    let set = |fault: &'static str| {
        let base = base.clone();
        async move {
            let r = client()
                .post(format!("{base}/sandbox/_test/fault"))
                .json(&json!({ "session": fault }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 204);
        }
    };
    let session = || {
        client()
            .post(format!("{base}{SESSION_PATH}"))
            .header(DEFAULT_USER_HEADER, "dan")
            .header("content-type", "application/json")
            .send()
    };
    set("down").await;
    assert_eq!(session().await.unwrap().status(), 503);
    set("garbage").await;
    let garbage = session().await.unwrap();
    assert_eq!(garbage.status(), 200);
    assert!(garbage.text().await.unwrap().starts_with("<html>"));
    set("ok").await;
    assert_eq!(session().await.unwrap().status(), 200);
}

#[tokio::test]
async fn sandbox_names_browsers_by_cookie() {
    let base = start(Settings::sandbox(dist())).await;
    let page = get(format!("{base}/")).await;
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("tc_sandbox_user=") && cookie.contains("HttpOnly"));
    let pair = cookie.split(';').next().unwrap().to_owned();
    let session: Value = client()
        .post(format!("{base}{SESSION_PATH}"))
        .header("cookie", &pair)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token_of(&session);
    post_form(
        format!("{base}/sandbox/authorize"),
        &[
            ("token", token.as_str()),
            ("dataSource", "18"),
            ("decision", "allow"),
        ],
    )
    .await;
    let status: Value = client()
        .get(format!("{base}{STATUS_PATH}"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ids_only(&status), json!({ "connected": [18] }));
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx() {
    let base = start(Settings::sandbox(dist())).await;
    let post = || {
        client()
            .post(format!("{base}{SESSION_PATH}"))
            .header(DEFAULT_USER_HEADER, "eve")
    };

    let too_big = post()
        .header("content-type", "application/json")
        .body(format!(r#"{{"locale":"{}"}}"#, "x".repeat(5000)))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413);

    let form = post()
        .header("content-type", "application/x-www-form-urlencoded")
        .body("locale=de")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    assert_eq!(
        form.json::<Value>().await.unwrap()["error"],
        "unsupported_media_type"
    );

    let klingon = post()
        .json(&json!({ "locale": "tlh" }))
        .send()
        .await
        .unwrap();
    assert_eq!(klingon.status(), 400);
    let body: Value = klingon.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_locale");
    assert_eq!(
        body["supported"],
        json!(["de", "en", "es", "fr", "it", "nl", "pl", "pt-BR"])
    );

    let broken = post()
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    let not_object = post().json(&json!([1])).send().await.unwrap();
    assert_eq!(not_object.status(), 400);
    let number = post().json(&json!({ "locale": 7 })).send().await.unwrap();
    assert_eq!(number.status(), 400);

    // Issue #12: a POST without `Content-Type: application/json` (as a cross-site form would
    // send) is refused, even without a body; JSON without a body is fine.
    let empty = post().send().await.unwrap();
    assert_eq!(empty.status(), 415, "no Content-Type is refused");
    let empty = post()
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 200, "no body is fine");
    let get = get(format!("{base}{SESSION_PATH}")).await;
    assert_eq!(get.status(), 405);
    let revoke_bad_redirect = client()
        .get(format!("{base}/sandbox/dataSourceDirectRevoke.html?token=t&dataSource=1&direct=true&redirect_uri=javascript:alert(1)"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke_bad_redirect.status(), 400);
}

// ----- serving the app -----

#[tokio::test]
async fn serves_the_app_with_security_headers_caching_and_page_settings() {
    let base = start(Settings::sandbox(dist())).await;
    let page = get(format!("{base}/")).await;
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-cache");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!(r#"data-status-endpoint="{STATUS_PATH}""#)),
        "{html}"
    );
    assert!(html.contains(r#"data-thryve-base-url="/sandbox/""#));
    assert!(
        html.contains(&format!(r#"data-token-endpoint="{SESSION_PATH}""#)),
        "the page's own settings stay"
    );

    let wasm = get(format!("{base}/app-0123456789abcdef_bg.wasm")).await;
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    let brotli = client()
        .get(format!("{base}/app-0123456789abcdef_bg.wasm"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.headers()["content-type"], "application/wasm");
    assert_eq!(brotli.bytes().await.unwrap().as_ref(), b"brotli bytes");

    // The page is rewritten (no precompressed twin fits it): it is compressed on the way out.
    let compressed = client()
        .get(format!("{base}/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    assert!(compressed.headers().contains_key("content-security-policy"));
    let gzipped = compressed.bytes().await.unwrap();
    assert!(gzipped.starts_with(&[0x1f, 0x8b]), "a gzip stream");

    let boot = get(format!("{base}/boot.js")).await;
    assert_eq!(boot.headers()["cache-control"], "no-cache");
    let missing = get(format!("{base}/nope.js")).await;
    assert_eq!(missing.status(), 404);
    let api = get_as(format!("{base}{STATUS_PATH}"), "f").await;
    assert_eq!(api.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn cors_only_for_configured_origins() {
    let settings = Settings {
        allowed_origins: vec![HeaderValue::from_static("https://app.example.com")],
        frame_ancestors: "'self' https://app.example.com".parse().unwrap(),
        ..Settings::sandbox(dist())
    };
    let base = start(settings).await;
    let preflight = |origin: &'static str| {
        client()
            .request(reqwest::Method::OPTIONS, format!("{base}{SESSION_PATH}"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let allowed = preflight("https://app.example.com").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert_eq!(
        allowed.headers()["access-control-allow-credentials"],
        "true"
    );
    let allowed_headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );
    let other = preflight("https://evil.example.net").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());

    let page = get(format!("{base}/")).await;
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .ends_with("frame-ancestors 'self' https://app.example.com"));
    assert!(page.headers().get("x-frame-options").is_none());
}

// ----- live mode against a stub of Thryve -----

#[derive(Clone, Copy, Debug, PartialEq)]
enum Behaviour {
    Ok,
    Unauthorized,
    ServerError,
    Hang,
    Garbage,
    /// Issues `end-user-token-1`, `-2`, …; answers 401 to a call with a token in `revoked`.
    Revocable,
    /// Answers `userInformation` with 300 KiB of valid JSON.
    Huge,
}

#[derive(Default)]
struct Stub {
    behaviour: Option<Behaviour>,
    requests: Vec<(String, HeaderMap, String)>,
    issued: usize,
    revoked: Vec<String>,
}

type StubState = Arc<Mutex<Stub>>;

const CREDENTIALS: [&str; 4] = [
    "api-user-7f3a",
    "p@ss-w0rd-91c2",
    "auth-id-55d0",
    "auth-secret-e8b4",
];
const KEY: &str = "a-test-key-of-at-least-32-characters!";

async fn thryve_stub_handler(
    State(stub): State<StubState>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: String,
) -> axum::response::Response {
    let behaviour = {
        let mut stub = stub.lock().unwrap();
        stub.requests
            .push((uri.path().to_owned(), headers, body.clone()));
        let behaviour = stub.behaviour.unwrap_or(Behaviour::Ok);
        if behaviour == Behaviour::Revocable {
            if uri.path() == "/v5/accessToken" {
                stub.issued += 1;
                return format!("end-user-token-{}", stub.issued).into_response();
            }
            if stub.revoked.iter().any(|t| body.contains(t.as_str())) {
                return (StatusCode::UNAUTHORIZED, "revoked").into_response();
            }
        }
        behaviour
    };
    match behaviour {
        Behaviour::Unauthorized => {
            return (
                StatusCode::UNAUTHORIZED,
                r#"{"error":{"message":"bad credentials"}}"#,
            )
                .into_response()
        }
        Behaviour::ServerError => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response()
        }
        Behaviour::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return StatusCode::OK.into_response();
        }
        Behaviour::Garbage => return (StatusCode::OK, "<html>maintenance</html>").into_response(),
        Behaviour::Huge if uri.path() == "/v5/userInformation" => {
            let padding = "x".repeat(300 * 1024);
            return (
                [("content-type", "application/json")],
                format!(r#"[{{"connectedSources":[1],"padding":"{padding}"}}]"#),
            )
                .into_response();
        }
        Behaviour::Ok | Behaviour::Revocable | Behaviour::Huge => {}
    }
    match uri.path() {
        "/v5/accessToken" => "end-user-token-123".into_response(),
        "/widget/v6/connection" => (
            [("content-type", "application/json")],
            r#"{"type":"enduser.widget.connection","data":{"url":"https://connect.thryve.de/?connectionSessionToken=1060285265X4247109939067552841&platform=web&lang=de"}}"#,
        )
            .into_response(),
        "/v5/userInformation" => (
            [("content-type", "application/json")],
            r#"[{"authenticationToken":"end-user-token-123","connectedSources":[{"dataSource":1,"connectedAt":"2024-05-01T10:00:00Z"},{"dataSource":11}]}]"#,
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn live(behaviour: Behaviour) -> (String, StubState) {
    let stub: StubState = Arc::new(Mutex::new(Stub {
        behaviour: Some(behaviour),
        ..Stub::default()
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let thryve = format!("http://{}", listener.local_addr().unwrap());
    let router = Router::new()
        .fallback(post(thryve_stub_handler))
        .with_state(Arc::clone(&stub));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let [username, password, auth_id, auth_secret] = CREDENTIALS.map(String::from);
    let settings = Settings {
        mode: Mode::Live(Box::new(Live {
            credentials: Credentials {
                username,
                password,
                auth_id,
                auth_secret,
            },
            api_url: url::Url::parse(&thryve).unwrap(),
            user_header: HeaderName::from_static(DEFAULT_USER_HEADER),
            user_id_key: Secret(KEY.into()),
        })),
        upstream_timeout: Duration::from_secs(1),
        ..Settings::sandbox(dist())
    };
    (start(settings).await, stub)
}

/// Both of Thryve's Basic headers, with the configured credentials.
fn assert_thryve_auth(headers: &HeaderMap) {
    assert_eq!(
        headers["authorization"],
        basic(CREDENTIALS[0], CREDENTIALS[1]).as_str()
    );
    assert_eq!(
        headers["appauthorization"],
        basic(CREDENTIALS[2], CREDENTIALS[3]).as_str()
    );
}

fn basic(a: &str, b: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{a}:{b}"))
    )
}

#[tokio::test]
async fn live_session_sends_exactly_what_thryve_expects() {
    let (base, stub) = live(Behaviour::Ok).await;
    let session = || {
        client()
            .post(format!("{base}{SESSION_PATH}"))
            .header(DEFAULT_USER_HEADER, "alice@example.com")
            .json(&json!({ "locale": "de" }))
            .send()
    };
    let response = session().await.unwrap();
    assert_eq!(response.status(), 200);
    // Thryve's answer, with the screen's user key beside it.
    let user_key = thryve_connect_server::screen_user_key(KEY, "alice@example.com");
    assert_eq!(
        response.text().await.unwrap(),
        format!(
            r#"{{"data":{{"url":"https://connect.thryve.de/?connectionSessionToken=1060285265X4247109939067552841&platform=web&lang=de"}},"type":"enduser.widget.connection","user":"{user_key}"}}"#
        )
    );

    let requests = stub.lock().unwrap().requests.clone();
    assert_eq!(requests.len(), 2);
    let (path, headers, body) = &requests[0];
    assert_eq!(path, "/v5/accessToken");
    assert_thryve_auth(headers);
    assert_eq!(headers["content-type"], "application/x-www-form-urlencoded");
    let partner = body
        .strip_prefix("partnerUserID=")
        .expect("form body with partnerUserID");
    assert_eq!(
        partner,
        thryve_connect_server::partner_user_id(KEY, "alice@example.com")
    );
    assert!(partner.len() <= 80 && !body.contains("alice"));

    let (path, headers, body) = &requests[1];
    assert_eq!(path, "/widget/v6/connection");
    assert_thryve_auth(headers);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(
        serde_json::from_str::<Value>(body).unwrap(),
        json!({ "endUserId": "end-user-token-123", "locale": "de" })
    );

    // The user's Thryve token is cached: a second session asks Thryve once more, not twice.
    assert_eq!(session().await.unwrap().status(), 200);
    let paths: Vec<String> = stub
        .lock()
        .unwrap()
        .requests
        .iter()
        .map(|r| r.0.clone())
        .collect();
    assert_eq!(
        paths,
        vec![
            "/v5/accessToken",
            "/widget/v6/connection",
            "/widget/v6/connection"
        ]
    );

    // A language with a region: accepted in any case, Thryve is asked for the language alone.
    let brazil = client()
        .post(format!("{base}{SESSION_PATH}"))
        .header(DEFAULT_USER_HEADER, "alice@example.com")
        .json(&json!({ "locale": "pt-br" }))
        .send()
        .await
        .unwrap();
    assert_eq!(brazil.status(), 200);
    let body = stub.lock().unwrap().requests.last().unwrap().2.clone();
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({ "endUserId": "end-user-token-123", "locale": "pt" })
    );
}

#[tokio::test]
async fn live_status_reads_user_information() {
    let (base, stub) = live(Behaviour::Ok).await;
    let status: Value = get_as(format!("{base}{STATUS_PATH}"), "bob")
        .await
        .json()
        .await
        .unwrap();
    // Thryve's `connectedAt` is passed on as `since`.
    assert_eq!(
        status,
        json!({ "connected": [{ "id": 1, "since": "2024-05-01T10:00:00Z" }, 11] })
    );
    let requests = stub.lock().unwrap().requests.clone();
    let (path, headers, body) = &requests[1];
    assert_eq!(path, "/v5/userInformation");
    assert_eq!(body, "authenticationToken=end-user-token-123");
    assert_thryve_auth(headers);
}

#[tokio::test]
async fn live_mode_refuses_requests_without_a_user() {
    let (base, stub) = live(Behaviour::Ok).await;
    let response = client()
        .post(format!("{base}{SESSION_PATH}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "unauthenticated"
    );
    let status = get(format!("{base}{STATUS_PATH}")).await;
    assert_eq!(status.status(), 401);
    assert!(
        stub.lock().unwrap().requests.is_empty(),
        "Thryve is not asked"
    );
    // No sandbox pages in live mode.
    let sandbox = get(format!("{base}/sandbox/_test/log")).await;
    assert_eq!(sandbox.status(), 404);
}

#[tokio::test]
async fn thryve_failures_become_502_without_secrets() {
    let mut bodies = Vec::new();
    for (behaviour, upstream) in [
        (Behaviour::Unauthorized, Some(401u64)),
        (Behaviour::ServerError, Some(500)),
        (Behaviour::Garbage, None),
        (Behaviour::Hang, None),
    ] {
        let (base, _stub) = live(behaviour).await;
        let started = std::time::Instant::now();
        let response = client()
            .post(format!("{base}{SESSION_PATH}"))
            .header(DEFAULT_USER_HEADER, "mallory")
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 502, "{behaviour:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{behaviour:?} bounded by the time-out"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "upstream", "{behaviour:?}");
        assert_eq!(body["upstreamStatus"].as_u64(), upstream, "{behaviour:?}");
        bodies.push(body.to_string());
    }
    // The garbage answer to accessToken is HTML: refused as a token, so it never reaches the widget.
    let logs = log_text();
    assert!(
        logs.contains("upstream_status=401"),
        "the upstream status is logged: {logs}"
    );
    let mut secrets: Vec<String> = CREDENTIALS.iter().map(|s| s.to_string()).collect();
    secrets.push(basic(CREDENTIALS[0], CREDENTIALS[1]));
    secrets.push(basic(CREDENTIALS[2], CREDENTIALS[3]));
    secrets.push(KEY.into());
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret is in the logs");
        for body in &bodies {
            assert!(!body.contains(secret.as_str()), "a secret is in a response");
        }
    }
}

#[tokio::test]
async fn an_access_token_thryve_revoked_is_dropped_and_fetched_again_once() {
    let (base, stub) = live(Behaviour::Revocable).await;
    let status = || async { get_as(format!("{base}{STATUS_PATH}"), "bob").await };
    assert_eq!(status().await.status(), 200);
    stub.lock().unwrap().revoked.push("end-user-token-1".into());
    let again = status().await;
    assert_eq!(again.status(), 200, "not 502 until a restart");
    assert_eq!(
        ids_only(&again.json::<Value>().await.unwrap()),
        json!({ "connected": [1, 11] })
    );
    let session = client()
        .post(format!("{base}{SESSION_PATH}"))
        .header(DEFAULT_USER_HEADER, "bob")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200, "the new token is cached");
    let calls: Vec<(String, String)> = stub
        .lock()
        .unwrap()
        .requests
        .iter()
        .map(|(path, _, body)| (path.clone(), body.clone()))
        .collect();
    let paths: Vec<&str> = calls.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/v5/accessToken",
            "/v5/userInformation",
            "/v5/userInformation",
            "/v5/accessToken",
            "/v5/userInformation",
            "/widget/v6/connection",
        ]
    );
    assert!(calls[4].1.contains("end-user-token-2"));
    assert!(calls[5].1.contains("end-user-token-2"));

    // A fresh token that Thryve refuses is not retried forever: one retry, then 502.
    stub.lock()
        .unwrap()
        .revoked
        .extend(["end-user-token-2".into(), "end-user-token-3".into()]);
    let refused = status().await;
    assert_eq!(refused.status(), 502);
    assert_eq!(stub.lock().unwrap().requests.len(), 6 + 3);
}

#[tokio::test]
async fn thryves_answers_are_read_up_to_a_cap() {
    let (base, _stub) = live(Behaviour::Huge).await;
    let response = get_as(format!("{base}{STATUS_PATH}"), "bob").await;
    assert_eq!(response.status(), 502);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "upstream");
}

// ----- the screen's user key -----

async fn session_answer(base: &str, user: &str) -> Value {
    let response = client()
        .post(format!("{base}{SESSION_PATH}"))
        .header(DEFAULT_USER_HEADER, user)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn session_answers_carry_a_user_key_that_names_no_one() {
    let (base, _stub) = live(Behaviour::Ok).await;
    let alice = session_answer(&base, "alice@example.com").await;
    let key = alice["user"].as_str().expect("a user key").to_owned();
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!key.contains("alice"));
    assert_ne!(
        key,
        thryve_connect_server::partner_user_id(KEY, "alice@example.com"),
        "not the partnerUserID Thryve knows"
    );
    assert_eq!(
        session_answer(&base, "alice@example.com").await["user"],
        key
    );
    assert_ne!(session_answer(&base, "bob").await["user"], key);
    // Thryve's answer is still there, whole.
    assert_eq!(alice["type"], "enduser.widget.connection");
    assert!(alice["data"]["url"].as_str().is_some());
}

#[tokio::test]
async fn the_sandbox_sends_a_user_key_unless_told_not_to() {
    let base = start(Settings::sandbox(dist())).await;
    let first = session_answer(&base, "dan").await["user"].clone();
    assert!(first.as_str().is_some_and(|k| k.len() == 64));
    assert_eq!(session_answer(&base, "dan").await["user"], first);
    assert_ne!(session_answer(&base, "eve").await["user"], first);
    let off = client()
        .post(format!("{base}/sandbox/_test/fault"))
        .json(&json!({ "userKey": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 204);
    assert!(session_answer(&base, "dan").await.get("user").is_none());
}
