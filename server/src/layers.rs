//! What wraps every request: a panic answers 500 (the process lives on), a body is bounded, a
//! request has a deadline, every error the server itself makes is JSON, and one log line tells
//! the method, path (never the query), status and latency of each request.

use crate::limits::Limits;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::json;
use std::any::Any;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

/// The largest request body any route takes (the sandbox's forms; the API takes less).
pub const MAX_BODY: usize = 16 * 1024;

/// An error answer without a body or with a plain-text one (axum's 405 and 413, the time-out's
/// 408, a missing file's 404) becomes `{"error": "payload_too_large", "message": …}`; JSON and
/// HTML answers (the API's own, the sandbox's pages) stay as they are.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let reason = status.canonical_reason().unwrap_or("error");
    let code = reason.to_ascii_lowercase().replace([' ', '-'], "_");
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = json!({ "error": code, "message": reason.to_ascii_lowercase() });
    Response::from_parts(parts, Body::from(body.to_string()))
}

/// The answer to a handler that panicked: 500 JSON, nothing of the panic's message.
pub fn panic_answer(_panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({ "error": "internal", "message": "internal error" })),
    )
        .into_response()
}

/// Wraps `router` (all its routes must be added already): panics caught, bodies of at most
/// [`MAX_BODY`], the request deadline (408), JSON errors.
pub fn hardened(router: Router, limits: &Limits) -> Router {
    router
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(axum::middleware::map_response(json_errors))
}

/// One `INFO` line per request: `request{method=GET path=/x}: answered status=200
/// latency_ms=1`. The path has no query; no header (user, cookie, token) is logged.
pub fn request_log(router: Router) -> Router {
    router.layer(
        TraceLayer::new_for_http()
            .make_span_with(|request: &Request<Body>| {
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path()
                )
            })
            .on_request(())
            .on_response(|response: &Response, latency: Duration, _span: &Span| {
                tracing::info!(
                    status = response.status().as_u16(),
                    latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
                    "answered"
                );
            })
            .on_body_chunk(())
            .on_eos(())
            .on_failure(()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn call(router: Router, uri: &str) -> (StatusCode, serde_json::Value) {
        let response = router
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_json_and_the_server_lives_on() {
        let router = Router::new()
            .route(
                "/panic",
                get(|| async {
                    panic!("boom");
                    #[allow(unreachable_code)]
                    ""
                }),
            )
            .route("/ok", get(|| async { "ok" }));
        let router = hardened(router, &Limits::default());
        let (status, body) = call(router.clone(), "/panic").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"], "internal");
        assert!(!body.to_string().contains("boom"));
        assert_eq!(call(router, "/ok").await.0, StatusCode::OK);
    }

    #[tokio::test]
    async fn a_slow_request_answers_408_json() {
        let router = Router::new().route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        );
        let limits = Limits {
            request_timeout: Duration::from_millis(50),
            ..Limits::default()
        };
        let (status, body) = call(hardened(router, &limits), "/slow").await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(body["error"], "request_timeout");
        assert_eq!(body["message"], "request timeout");
    }

    #[tokio::test]
    async fn plain_errors_become_json_and_pages_stay() {
        let router = Router::new()
            .route(
                "/page",
                get(|| async { (StatusCode::BAD_REQUEST, axum::response::Html("<p>no</p>")) }),
            )
            .layer(axum::middleware::map_response(json_errors));
        let (status, body) = call(router.clone(), "/nowhere").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            body,
            json!({ "error": "not_found", "message": "not found" })
        );
        let page = router
            .oneshot(Request::get("/page").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert!(page.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
}
