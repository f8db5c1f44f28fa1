//! The endpoints the screen calls: `POST /api/connection-session` and
//! `GET /api/connection-status`, answered by Thryve (live) or the sandbox.

use crate::sandbox::{Sandbox, SessionFault};
use crate::settings::LOCALES;
use crate::thryve::{Thryve, UpstreamError};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;
use url::Url;

/// The largest request body the API accepts (`{"locale":"de"}` is 15 bytes).
pub const MAX_BODY: usize = 1024;
/// The cookie that names a sandbox user when no user header is sent.
pub const SANDBOX_COOKIE: &str = "tc_sandbox_user";
/// The user header the sandbox honours (like live mode's default).
const SANDBOX_USER_HEADER: &str = "x-user-id";

/// Who answers the API.
pub enum Backend {
    Live {
        thryve: Box<Thryve>,
        user_header: HeaderName,
    },
    Sandbox(Arc<Sandbox>),
}

/// A refused request: a 4xx with a short explanation, JSON for the API, HTML for sandbox pages.
#[derive(Debug)]
pub enum Reject {
    Json(StatusCode, Value),
    Html(StatusCode, String),
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        match self {
            Reject::Json(status, body) => (status, Json(body)).into_response(),
            Reject::Html(status, page) => (status, Html(page)).into_response(),
        }
    }
}

fn reject(status: StatusCode, code: &str, message: impl Into<String>) -> Reject {
    Reject::Json(status, json!({ "error": code, "message": message.into() }))
}

/// Thryve failed: 502, logged with the upstream status, never with a secret or Thryve's body.
fn upstream_error(what: &str, err: UpstreamError) -> Response {
    tracing::warn!(upstream_status = err.status(), error = %err, "{what} failed");
    let mut body = json!({ "error": "upstream", "message": err.to_string() });
    if let Some(status) = err.status() {
        body["upstreamStatus"] = json!(status);
    }
    (StatusCode::BAD_GATEWAY, Json(body)).into_response()
}

fn header_user(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty() && value.len() <= 256).then(|| value.to_owned())
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| {
            *k == name
                && !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .map(|(_, v)| v.to_owned())
}

/// The user asking. Live: the trusted header set by the host's authentication, or 401.
/// Sandbox: that header when present, else the sandbox cookie.
fn identify(backend: &Backend, headers: &HeaderMap) -> Result<String, Reject> {
    let (name, fallback) = match backend {
        Backend::Live { user_header, .. } => (user_header.clone(), None),
        Backend::Sandbox(_) => (
            HeaderName::from_static(SANDBOX_USER_HEADER),
            cookie(headers, SANDBOX_COOKIE),
        ),
    };
    header_user(headers, &name).or(fallback).ok_or_else(|| {
        reject(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            format!("no user: the {name} header is missing"),
        )
    })
}

/// Sandbox mode: every browser is a sandbox user, named by a cookie set on its first page
/// request, so the API calls that follow agree on who they are.
pub async fn sandbox_user(mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_asset = [".js", ".wasm", ".css", ".svg", ".png", ".ico"]
        .iter()
        .any(|ext| path.ends_with(ext));
    if is_asset || cookie(request.headers(), SANDBOX_COOKIE).is_some() {
        return next.run(request).await;
    }
    let id: String = {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        (0..24)
            .map(|_| char::from(rng.sample(rand::distributions::Alphanumeric)))
            .collect()
    };
    let pair = format!("{SANDBOX_COOKIE}={id}");
    if let Ok(value) = HeaderValue::from_str(&pair) {
        request.headers_mut().append(header::COOKIE, value);
    }
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&format!("{pair}; Path=/; HttpOnly; SameSite=Lax")) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Reads the optional `{"locale": ".."}` body. Refuses other content types, malformed JSON and
/// unsupported locales.
fn requested_locale(headers: &HeaderMap, body: &Bytes) -> Result<Option<String>, Reject> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !json_type {
        return Err(reject(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send no body, or JSON with Content-Type: application/json",
        ));
    }
    let json: Value = serde_json::from_slice(body)
        .map_err(|_| reject(StatusCode::BAD_REQUEST, "bad_json", "the body is not JSON"))?;
    if !json.is_object() {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "bad_json",
            "the body must be a JSON object",
        ));
    }
    let locale = match json.get("locale") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(locale)) => locale.to_ascii_lowercase(),
        Some(_) => {
            return Err(reject(
                StatusCode::BAD_REQUEST,
                "bad_locale",
                "locale must be a string",
            ))
        }
    };
    if !LOCALES.contains(&locale.as_str()) {
        return Err(Reject::Json(
            StatusCode::BAD_REQUEST,
            json!({
                "error": "unsupported_locale",
                "message": format!("supported locales: {}", LOCALES.join(", ")),
                "supported": LOCALES,
            }),
        ));
    }
    Ok(Some(locale))
}

/// The sandbox's answer in the shape of Thryve's widget response.
fn sandbox_session(
    sandbox: &Sandbox,
    user: &str,
    locale: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    match sandbox.fault() {
        SessionFault::Down => reject(
            StatusCode::SERVICE_UNAVAILABLE,
            "sandbox_down",
            "the sandbox is set to fail",
        )
        .into_response(),
        SessionFault::Garbage => {
            Html("<html><body>Bad gateway (sandbox)</body></html>").into_response()
        }
        SessionFault::Ok => {
            let token = sandbox.new_session(user);
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| {
                    h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
                })
                .unwrap_or("localhost");
            let mut url = Url::parse(&format!("http://{host}/sandbox/")).unwrap_or_else(|_| {
                Url::parse("http://localhost/sandbox/").expect("a valid constant")
            });
            url.query_pairs_mut()
                .append_pair("connectionSessionToken", &token)
                .append_pair("platform", "web")
                .append_pair("lang", locale.unwrap_or("en"));
            Json(json!({ "type": "enduser.widget.connection", "data": { "url": url.as_str() } }))
                .into_response()
        }
    }
}

pub async fn connection_session(
    State(backend): State<Arc<Backend>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let user = identify(&backend, &headers)?;
    let locale = requested_locale(&headers, &body)?;
    Ok(match backend.as_ref() {
        Backend::Live { thryve, .. } => match thryve.connection(&user, locale.as_deref()).await {
            Ok(answer) => Json(answer).into_response(),
            Err(err) => upstream_error("widget/v6/connection", err),
        },
        Backend::Sandbox(sandbox) => sandbox_session(sandbox, &user, locale.as_deref(), &headers),
    })
}

pub async fn connection_status(
    State(backend): State<Arc<Backend>>,
    headers: HeaderMap,
) -> Result<Response, Reject> {
    let user = identify(&backend, &headers)?;
    Ok(match backend.as_ref() {
        Backend::Live { thryve, .. } => match thryve.status(&user).await {
            Ok(connected) => Json(json!({ "connected": connected })).into_response(),
            Err(err) => upstream_error("v5/userInformation", err),
        },
        Backend::Sandbox(sandbox) => {
            Json(json!({ "connected": sandbox.connected(&user) })).into_response()
        }
    })
}
