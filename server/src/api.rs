//! The endpoints the screen calls: `POST` [`SESSION_PATH`] and `GET` [`STATUS_PATH`],
//! answered by Thryve (live) or the sandbox.

use crate::sandbox::{Sandbox, SessionFault};
use crate::sandbox_pages;
use crate::settings::{Mode, Settings};
use crate::thryve::{Thryve, UpstreamError};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::fmt;
use std::sync::Arc;
use thryve_connect_protocol::endpoint::{
    with_user_key, SessionRequest, StatusAnswer, DEFAULT_USER_HEADER, SESSION_PATH, STATUS_PATH,
};
use thryve_connect_protocol::{thryve, LOCALES};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use url::Url;

/// The largest request body the API accepts (`{"locale":"de"}` is 15 bytes).
const MAX_BODY: usize = 1024;
/// The cookie that names a sandbox user when no user header is sent.
const SANDBOX_COOKIE: &str = "tc_sandbox_user";
/// The sandbox's key for the screen's user keys (the sandbox holds no secret).
const SANDBOX_USER_KEY_SECRET: &str = "thryve-connect sandbox";

/// Who answers the API.
pub enum Backend {
    /// Thryve, for the user named by the trusted header.
    Live {
        /// The client, with the app's credentials.
        thryve: Box<Thryve>,
        /// The header the host's authentication sets.
        user_header: HeaderName,
    },
    /// The sandbox, for the user named by the default user header or the sandbox cookie.
    Sandbox(Arc<Sandbox>),
}

impl Backend {
    /// The backend `settings` ask for (a new, empty sandbox in sandbox mode).
    pub fn new(settings: &Settings) -> Backend {
        match &settings.mode {
            Mode::Live(live) => Backend::Live {
                thryve: Box::new(Thryve::new(
                    live,
                    settings.upstream_timeout,
                    &settings.limits,
                )),
                user_header: live.user_header.clone(),
            },
            Mode::Sandbox {
                token_ttl,
                test_hooks,
            } => Backend::Sandbox(Arc::new(Sandbox::new(*token_ttl, *test_hooks))),
        }
    }

    /// The sandbox, to share with its pages.
    pub fn sandbox(&self) -> Option<Arc<Sandbox>> {
        match self {
            Backend::Sandbox(sandbox) => Some(Arc::clone(sandbox)),
            Backend::Live { .. } => None,
        }
    }
}

/// The token and status endpoints on `backend`, with the body limit (a larger declared
/// `Content-Length` is refused at once), JSON for every error, `Cache-Control: no-store` and,
/// when `settings` allow other origins, CORS for them.
pub fn router(backend: Backend, settings: &Settings) -> Router {
    let api = Router::new()
        .route(SESSION_PATH, post(connection_session))
        .route(STATUS_PATH, get(connection_status))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(axum::middleware::map_response(crate::layers::json_errors))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(Arc::new(backend));
    if settings.allowed_origins.is_empty() {
        return api;
    }
    api.layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(settings.allowed_origins.iter().cloned()))
            .allow_methods([Method::GET, Method::POST])
            // Authorization: for hosts whose auth proxy in front of these endpoints takes a bearer
            // token (the screen's `headers` setting sends it).
            .allow_headers([header::CONTENT_TYPE, header::ACCEPT, header::AUTHORIZATION])
            .allow_credentials(true),
    )
}

/// A refused request: a 4xx with a short explanation, JSON for the API, HTML for sandbox pages.
#[derive(Debug)]
pub enum Reject {
    /// `{"error": code, "message": …}` and more.
    Json(StatusCode, Value),
    /// A sandbox page.
    Html(StatusCode, String),
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reject::Json(status, body) => match body.get("message").and_then(Value::as_str) {
                Some(message) => write!(f, "{status}: {message}"),
                None => write!(f, "{status}"),
            },
            Reject::Html(status, _) => write!(f, "{status}"),
        }
    }
}

impl std::error::Error for Reject {}

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

/// The user the header names; two or more values are refused (which one would the host's
/// authentication have meant?).
fn header_user(headers: &HeaderMap, name: &HeaderName) -> Result<Option<String>, Reject> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "ambiguous_user",
            "the request names more than one user",
        ));
    }
    let value = first.and_then(|v| v.to_str().ok()).map(str::trim);
    Ok(value
        .filter(|v| !v.is_empty() && v.len() <= 256)
        .map(str::to_owned))
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
/// Sandbox: that header when present, else the sandbox cookie. The header twice: 400. The 401
/// does not name the header (clients need not learn what the proxy sets).
fn identify(backend: &Backend, headers: &HeaderMap) -> Result<String, Reject> {
    let (name, fallback) = match backend {
        Backend::Live { user_header, .. } => (user_header.clone(), None),
        Backend::Sandbox(_) => (
            HeaderName::from_static(DEFAULT_USER_HEADER),
            cookie(headers, SANDBOX_COOKIE),
        ),
    };
    header_user(headers, &name)?
        .or(fallback)
        .ok_or_else(|| reject(StatusCode::UNAUTHORIZED, "unauthenticated", "not signed in"))
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

/// Reads the optional [`SessionRequest`] body. Refuses other content types (even without a
/// body: a cross-site form cannot send `application/json`, so it cannot start a session),
/// malformed JSON and unsupported locales.
fn requested_locale(headers: &HeaderMap, body: &Bytes) -> Result<Option<String>, Reject> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !json_type {
        return Err(reject(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send Content-Type: application/json (with a JSON body, or none)",
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    // Parsed in two steps so that each mistake keeps its own answer: not JSON or not an object
    // is `bad_json`; an object whose locale is neither a string nor null is `bad_locale`.
    let json: Value = serde_json::from_slice(body)
        .map_err(|_| reject(StatusCode::BAD_REQUEST, "bad_json", "the body is not JSON"))?;
    if !json.is_object() {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "bad_json",
            "the body must be a JSON object",
        ));
    }
    let request = SessionRequest::deserialize(&json).map_err(|_| {
        reject(
            StatusCode::BAD_REQUEST,
            "bad_locale",
            "locale must be a string",
        )
    })?;
    let Some(locale) = request.locale else {
        return Ok(None);
    };
    // The token endpoint accepts the screen's own languages, in any case ("pt-br" is "pt-BR");
    // Thryve's full list is unconfirmed.
    let Some(locale) = LOCALES
        .iter()
        .find(|code| code.eq_ignore_ascii_case(&locale))
    else {
        return Err(Reject::Json(
            StatusCode::BAD_REQUEST,
            json!({
                "error": "unsupported_locale",
                "message": format!("supported locales: {}", LOCALES.join(", ")),
                "supported": LOCALES,
            }),
        ));
    };
    Ok(Some((*locale).to_owned()))
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
            let base = sandbox_pages::BASE;
            let widget = Url::parse(&format!("http://{host}{base}"))
                .or_else(|_| Url::parse(&format!("http://localhost{base}")))
                .expect("a valid constant");
            let answer = thryve::widget_answer(&widget.into(), &token, locale.unwrap_or("en"));
            if sandbox.sends_user_key() {
                let key = crate::thryve::screen_user_key(SANDBOX_USER_KEY_SECRET, user);
                Json(with_user_key(answer, &key)).into_response()
            } else {
                Json(answer).into_response()
            }
        }
    }
}

async fn connection_session(
    State(backend): State<Arc<Backend>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let user = identify(&backend, &headers)?;
    let locale = requested_locale(&headers, &body)?;
    Ok(match backend.as_ref() {
        Backend::Live { thryve, .. } => match thryve.connection(&user, locale.as_deref()).await {
            Ok(answer) => Json(with_user_key(answer, &thryve.user_key(&user))).into_response(),
            Err(err) => upstream_error("widget/v6/connection", err),
        },
        Backend::Sandbox(sandbox) => sandbox_session(sandbox, &user, locale.as_deref(), &headers),
    })
}

async fn connection_status(
    State(backend): State<Arc<Backend>>,
    headers: HeaderMap,
) -> Result<Response, Reject> {
    let user = identify(&backend, &headers)?;
    let answer: StatusAnswer = match backend.as_ref() {
        Backend::Live { thryve, .. } => match thryve.status(&user).await {
            Ok(answer) => answer,
            Err(err) => return Ok(upstream_error("v5/userInformation", err)),
        },
        Backend::Sandbox(sandbox) => sandbox.connected(&user),
    };
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        answer.to_json().to_string(),
    )
        .into_response())
}
