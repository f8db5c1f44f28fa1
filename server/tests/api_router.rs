//! A host with an axum app of its own takes the token and status endpoints with `api_router`.

mod common;

use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use thryve_connect_protocol::endpoint::{DEFAULT_USER_HEADER, SESSION_PATH, STATUS_PATH};
use thryve_connect_protocol::thryve;
use thryve_connect_server::{api_router, Settings};

#[tokio::test]
async fn a_host_router_serves_the_endpoints_next_to_its_own_routes() {
    let dist = std::env::temp_dir().join(format!("tc-api-router-test-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<p>not served</p>").unwrap();
    let host = Router::new()
        .route("/account", get(|| async { "the host's own page" }))
        .merge(api_router(&Settings::sandbox(dist)));
    let base = common::listen(host).await;
    let client = reqwest::Client::new();

    let session = client
        .post(format!("{base}{SESSION_PATH}"))
        .header(DEFAULT_USER_HEADER, "alice")
        .json(&json!({ "locale": "de" }))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200);
    assert_eq!(session.headers()["cache-control"], "no-store");
    let answer: Value = session.json().await.unwrap();
    let token = thryve::extract_token(&answer.to_string()).unwrap();
    assert_eq!(token.len(), 30);

    let status: Value = client
        .get(format!("{base}{STATUS_PATH}"))
        .header(DEFAULT_USER_HEADER, "alice")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status, json!({ "connected": [] }));

    let own = client.get(format!("{base}/account")).send().await.unwrap();
    assert_eq!(own.text().await.unwrap(), "the host's own page");
    // Only the endpoints: no files, no sandbox pages, and no user without the header.
    for path in ["/", "/index.html", "/sandbox/sandbox.css", "/healthz"] {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let anonymous = client
        .post(format!("{base}{SESSION_PATH}"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
