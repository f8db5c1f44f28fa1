//! Issue #12, "A token endpoint you can put in production": what the app answers to requests
//! that try to misuse it (through `app`, on a free port; the accept loop's own limits are in
//! `serving.rs`).

mod common;

use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use common::{client, listen, log_text, start};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use thryve_connect_protocol::endpoint::{DEFAULT_USER_HEADER, SESSION_PATH, STATUS_PATH};
use thryve_connect_server::{Credentials, Live, Mode, Secret, Settings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn dist() -> PathBuf {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tc-hardening-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<!DOCTYPE html><p>app</p>").unwrap();
        std::fs::write(dir.join("assets/a.txt"), "a").unwrap();
        dir
    })
    .clone()
}

fn live_settings(api: &str) -> Settings {
    Settings {
        mode: Mode::Live(Box::new(Live {
            credentials: Credentials {
                username: "u".into(),
                password: "p".into(),
                auth_id: "app-id".into(),
                auth_secret: "app-secret-do-not-forward".into(),
            },
            api_url: url::Url::parse(api).unwrap(),
            user_header: HeaderName::from_static(DEFAULT_USER_HEADER),
            user_id_key: Secret("k".repeat(32)),
        })),
        upstream_timeout: Duration::from_secs(2),
        ..Settings::sandbox(dist())
    }
}

/// A listener that counts every request it gets and answers `answer`.
async fn counting(answer: fn() -> axum::response::Response) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    let router = Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async move { answer() }
    });
    (listen(router).await, count)
}

async fn assert_json_error(response: reqwest::Response, status: u16, error: &str) -> Value {
    assert_eq!(response.status(), status);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{status} is JSON"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], error, "{body}");
    assert!(body["message"].is_string(), "{body}");
    body
}

#[tokio::test]
async fn a_redirect_from_thryve_is_not_followed_and_the_secret_stays_home() {
    let (elsewhere, reached) = counting(|| "stolen".into_response()).await;
    let target = format!("{elsewhere}/v5/accessToken");
    static TARGET: OnceLock<String> = OnceLock::new();
    TARGET.set(target).unwrap();
    let (thryve, asked) = counting(|| {
        (
            StatusCode::TEMPORARY_REDIRECT,
            [("location", TARGET.get().unwrap().as_str())],
        )
            .into_response()
    })
    .await;
    let base = start(live_settings(&thryve)).await;
    let response = client()
        .post(format!("{base}{SESSION_PATH}"))
        .header(DEFAULT_USER_HEADER, "alice")
        .json(&json!({ "locale": "de" }))
        .send()
        .await
        .unwrap();
    let body = assert_json_error(response, 502, "upstream").await;
    assert_eq!(body["upstreamStatus"], 307);
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}

#[tokio::test]
async fn a_repeated_user_header_is_ambiguous_and_401_names_no_header() {
    let (thryve, asked) = counting(|| StatusCode::INTERNAL_SERVER_ERROR.into_response()).await;
    for base in [
        start(Settings::sandbox(dist())).await,
        start(live_settings(&thryve)).await,
    ] {
        let twice = client()
            .get(format!("{base}{STATUS_PATH}"))
            .header(DEFAULT_USER_HEADER, "alice")
            .header(DEFAULT_USER_HEADER, "mallory")
            .send()
            .await
            .unwrap();
        assert_json_error(twice, 400, "ambiguous_user").await;
        let twice = client()
            .post(format!("{base}{SESSION_PATH}"))
            .header(DEFAULT_USER_HEADER, "mallory")
            .header(DEFAULT_USER_HEADER, "alice")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_json_error(twice, 400, "ambiguous_user").await;
    }
    assert_eq!(asked.load(Ordering::SeqCst), 0, "Thryve is not asked");

    let base = start(live_settings(&thryve)).await;
    let anonymous = client()
        .get(format!("{base}{STATUS_PATH}"))
        .send()
        .await
        .unwrap();
    let body = assert_json_error(anonymous, 401, "unauthenticated").await;
    let message = body["message"].as_str().unwrap();
    assert!(!message.contains(DEFAULT_USER_HEADER), "{message}");
    assert!(message.contains("not signed in"), "{message}");
}

#[tokio::test]
async fn a_cross_site_form_post_cannot_start_a_session() {
    let base = start(Settings::sandbox(dist())).await;
    let post = || {
        client()
            .post(format!("{base}{SESSION_PATH}"))
            .header(DEFAULT_USER_HEADER, "alice")
    };
    let empty = post().send().await.unwrap();
    assert_json_error(empty, 415, "unsupported_media_type").await;
    let text = post()
        .header("content-type", "text/plain")
        .body("")
        .send()
        .await
        .unwrap();
    assert_json_error(text, 415, "unsupported_media_type").await;
    let json_without_body = post()
        .header("content-type", "application/json; charset=utf-8")
        .send()
        .await
        .unwrap();
    assert_eq!(json_without_body.status(), 200, "what the screen may send");
}

#[tokio::test]
async fn paths_starting_with_two_slashes_never_redirect_off_site() {
    let base = start(Settings::sandbox(dist())).await;
    for path in [
        "//.",
        "//assets",
        "//assets/.",
        "//evil.example/..",
        "/\\.",
        "/%2F.",
    ] {
        let response = client().get(format!("{base}{path}")).send().await.unwrap();
        if let Some(location) = response.headers().get("location") {
            let location = location.to_str().unwrap();
            assert!(
                !location.starts_with("//") && !location.starts_with("/\\"),
                "{path} -> {location}"
            );
        }
    }
    // A directory still gets its trailing slash on a normal path.
    let dir = client().get(format!("{base}/assets")).send().await.unwrap();
    assert_eq!(dir.headers()["location"], "/assets/");
}

#[tokio::test]
async fn every_api_error_is_json() {
    let base = start(Settings::sandbox(dist())).await;
    let too_big = client()
        .post(format!("{base}{SESSION_PATH}"))
        .header(DEFAULT_USER_HEADER, "eve")
        .header("content-type", "application/json")
        .body(format!(r#"{{"locale":"{}"}}"#, "x".repeat(5000)))
        .send()
        .await
        .unwrap();
    assert_json_error(too_big, 413, "payload_too_large").await;
    let wrong_method = client()
        .get(format!("{base}{SESSION_PATH}"))
        .send()
        .await
        .unwrap();
    assert!(wrong_method.headers().contains_key("allow"));
    assert_json_error(wrong_method, 405, "method_not_allowed").await;
    let put = client()
        .put(format!("{base}{STATUS_PATH}"))
        .send()
        .await
        .unwrap();
    assert_json_error(put, 405, "method_not_allowed").await;
}

/// Sends `head` and `body` on a raw connection and reads what comes back within `wait`.
async fn raw(base: &str, head: &str, body: &[u8], wait: Duration) -> String {
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(wait, stream.read(&mut answer))
        .await
        .expect("an answer in time")
        .unwrap();
    String::from_utf8_lossy(&answer[..read]).into_owned()
}

#[tokio::test]
async fn a_body_that_claims_ten_megabytes_is_refused_at_once() {
    let base = start(Settings::sandbox(dist())).await;
    for path in [SESSION_PATH, "/sandbox/authorize", "/index.html"] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nhost: x\r\n{DEFAULT_USER_HEADER}: a\r\n\
             content-type: application/json\r\ncontent-length: 10000000\r\n\r\n"
        );
        let answer = raw(&base, &head, br#"{"locale":"de"}"#, Duration::from_secs(2)).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer}");
    }
}

#[tokio::test]
async fn sandbox_forms_take_small_bodies_only() {
    let base = start(Settings::sandbox(dist())).await;
    let big = "x".repeat(100 * 1024);
    let response = client()
        .post(format!("{base}/sandbox/authorize"))
        .form(&[("token", big.as_str()), ("dataSource", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let small = client()
        .post(format!("{base}/sandbox/authorize"))
        .form(&[("token", "t"), ("dataSource", "1"), ("decision", "deny")])
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 303);
}

#[tokio::test]
async fn one_log_line_per_request_without_query_or_header_values() {
    let base = start(Settings::sandbox(dist())).await;
    let response = client()
        .get(format!("{base}{STATUS_PATH}?token=SECRET-QUERY-1"))
        .header(DEFAULT_USER_HEADER, "SECRET-USER-2")
        .header("cookie", "tc_sandbox_user=SECRETCOOKIE3")
        .header("authorization", "Bearer SECRET-AUTH-4")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // The line is written when the answer is; give the writer a moment.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let logs = log_text();
    let lines: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains(STATUS_PATH) && l.contains("status=200"))
        .collect();
    assert_eq!(lines.len(), 1, "one line for the request: {logs}");
    let line = lines[0];
    assert!(line.contains("GET") && line.contains("latency"), "{line}");
    assert!(!line.contains('?'), "no query string: {line}");
    for secret in ["SECRET-QUERY", "SECRET-USER", "SECRETCOOKIE", "SECRET-AUTH"] {
        assert!(!logs.contains(secret), "{secret} is in the logs: {logs}");
    }
}
