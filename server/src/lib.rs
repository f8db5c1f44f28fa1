//! The thryve-connect server: the token and status endpoints the screen calls, in live mode
//! (talking to Thryve with the app's secrets) or sandbox mode (an offline Thryve stand-in), and
//! the built frontend with strict security headers.

pub mod sandbox;
pub mod settings;
pub mod thryve;
pub mod web;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use sandbox::{LogEntry, Sandbox, SessionFault};
use serde_json::json;
use settings::{Mode, Settings, LOCALES};
use std::collections::HashMap;
use std::sync::Arc;
use thryve::{Thryve, UpstreamError};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use url::Url;

/// The largest request body the API accepts (`{"locale":"de"}` is 15 bytes).
pub const MAX_BODY: usize = 1024;
/// The cookie that names a sandbox user when no user header is sent.
pub const SANDBOX_COOKIE: &str = "tc_sandbox_user";
/// The user header the sandbox honours (like live mode's default).
const SANDBOX_USER_HEADER: &str = "x-user-id";

enum Backend {
    Live {
        thryve: Thryve,
        user_header: HeaderName,
    },
    Sandbox(Sandbox),
}

struct AppState {
    backend: Backend,
}

type Shared = Arc<AppState>;

/// The whole application: API, sandbox (in sandbox mode) and static files.
pub fn app(settings: &Settings) -> Router {
    let backend = match &settings.mode {
        Mode::Live(live) => Backend::Live {
            thryve: Thryve::new(live, settings.upstream_timeout),
            user_header: HeaderName::from_bytes(live.user_header.as_bytes())
                .unwrap_or(HeaderName::from_static(settings::DEFAULT_USER_HEADER)),
        },
        Mode::Sandbox { token_ttl } => Backend::Sandbox(Sandbox::new(*token_ttl)),
    };
    let state = Arc::new(AppState { backend });

    let mut api = Router::new()
        .route("/api/connection-session", post(connection_session))
        .route("/api/connection-status", get(connection_status))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    if !settings.allowed_origins.is_empty() {
        let origins: Vec<HeaderValue> = settings
            .allowed_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        api = api.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::ACCEPT])
                .allow_credentials(true),
        );
    }

    let mut page_attributes = vec![("data-status-endpoint", "/api/connection-status")];
    let mut router = Router::new()
        .merge(api)
        .route("/healthz", get(|| async { "ok" }));
    if settings.is_sandbox() {
        page_attributes.push(("data-thryve-base-url", "/sandbox/"));
        router = router.merge(sandbox_routes());
    }

    let files = ServeDir::new(&settings.dist_dir)
        .precompressed_br()
        .precompressed_gzip();
    let page_attributes = Arc::new(page_attributes);
    let files = Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn(move |request, next| {
            web::page_settings(Arc::clone(&page_attributes), request, next)
        }))
        .layer(axum::middleware::from_fn(web::cache_control));

    let csp = HeaderValue::from_str(&web::content_security_policy(settings))
        .unwrap_or(HeaderValue::from_static("default-src 'self'"));
    let mut router = router.merge(files).with_state(state);
    if settings.is_sandbox() {
        router = router.layer(axum::middleware::from_fn(sandbox_user));
    }
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, csp),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ] {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    if settings.frame_ancestors.trim() == "'none'" {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ));
    }
    router
}

/// Serves `app` on `listener` until ctrl-c.
pub async fn serve(listener: tokio::net::TcpListener, settings: &Settings) -> std::io::Result<()> {
    axum::serve(listener, app(settings))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

// ----- errors -----

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "error": code, "message": message.into() })),
    )
        .into_response()
}

fn upstream_error(what: &str, err: UpstreamError) -> Response {
    tracing::warn!(upstream_status = err.status(), error = %err, "{what} failed");
    let mut body = json!({ "error": "upstream", "message": err.to_string() });
    if let Some(status) = err.status() {
        body["upstreamStatus"] = json!(status);
    }
    (StatusCode::BAD_GATEWAY, Json(body)).into_response()
}

// ----- who is asking -----

/// The user's ID.
struct User {
    id: String,
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

fn identify(state: &AppState, headers: &HeaderMap) -> Result<User, Response> {
    match &state.backend {
        Backend::Live { user_header, .. } => header_user(headers, user_header)
            .map(|id| User { id })
            .ok_or_else(|| {
                error(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    format!("no user: the {user_header} header is missing"),
                )
            }),
        Backend::Sandbox(_) => header_user(headers, &HeaderName::from_static(SANDBOX_USER_HEADER))
            .or_else(|| cookie(headers, SANDBOX_COOKIE))
            .map(|id| User { id })
            .ok_or_else(|| {
                error(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "no sandbox user",
                )
            }),
    }
}

/// Sandbox mode: every browser is a sandbox user, named by a cookie set on its first request
/// (the page itself), so the API calls that follow agree on who they are.
async fn sandbox_user(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let is_asset = [".js", ".wasm", ".css", ".br", ".gz", ".svg", ".png", ".ico"]
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

// ----- the API -----

/// Reads the optional `{"locale": ".."}` body. Refuses other content types, malformed JSON and
/// unsupported locales.
fn requested_locale(headers: &HeaderMap, body: &Bytes) -> Result<Option<String>, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if !json_type {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send no body, or JSON with Content-Type: application/json",
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| error(StatusCode::BAD_REQUEST, "bad_json", "the body is not JSON"))?;
    let locale = match json.get("locale") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(locale)) => Some(locale.to_ascii_lowercase()),
        Some(_) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "bad_locale",
                "locale must be a string",
            ))
        }
    };
    if !json.is_object() {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "bad_json",
            "the body must be a JSON object",
        ));
    }
    match locale {
        Some(locale) if !LOCALES.contains(&locale.as_str()) => Err((
            StatusCode::BAD_REQUEST,
            Json(json!({
                "error": "unsupported_locale",
                "message": format!("supported locales: {}", LOCALES.join(", ")),
                "supported": LOCALES,
            })),
        )
            .into_response()),
        locale => Ok(locale),
    }
}

async fn connection_session(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let user = match identify(&state, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let locale = match requested_locale(&headers, &body) {
        Ok(locale) => locale,
        Err(response) => return response,
    };
    match &state.backend {
        Backend::Live { thryve, .. } => {
            match thryve.connection(&user.id, locale.as_deref()).await {
                Ok(answer) => Json(answer).into_response(),
                Err(err) => upstream_error("widget/v6/connection", err),
            }
        }
        Backend::Sandbox(sandbox) => {
            match sandbox.fault() {
                SessionFault::Down => error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "sandbox_down",
                    "the sandbox is set to fail",
                ),
                SessionFault::Garbage => {
                    Html("<html><body>Bad gateway (sandbox)</body></html>").into_response()
                }
                SessionFault::Ok => {
                    let token = sandbox.new_session(&user.id);
                    let host = headers
                        .get(header::HOST)
                        .and_then(|h| h.to_str().ok())
                        .filter(|h| {
                            h.chars()
                                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
                        })
                        .unwrap_or("localhost");
                    let mut url =
                        Url::parse(&format!("http://{host}/sandbox/")).unwrap_or_else(|_| {
                            Url::parse("http://localhost/sandbox/").expect("a valid constant")
                        });
                    url.query_pairs_mut()
                        .append_pair("connectionSessionToken", &token)
                        .append_pair("platform", "web")
                        .append_pair("lang", locale.as_deref().unwrap_or("en"));
                    Json(json!({ "type": "enduser.widget.connection", "data": { "url": url.as_str() } })).into_response()
                }
            }
        }
    }
}

async fn connection_status(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let user = match identify(&state, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    match &state.backend {
        Backend::Live { thryve, .. } => match thryve.status(&user.id).await {
            Ok(connected) => Json(json!({ "connected": connected })).into_response(),
            Err(err) => upstream_error("v5/userInformation", err),
        },
        Backend::Sandbox(sandbox) => {
            Json(json!({ "connected": sandbox.connected(&user.id) })).into_response()
        }
    }
}

// ----- the sandbox's Thryve pages -----

fn sandbox_routes() -> Router<Shared> {
    Router::new()
        .route(
            "/sandbox/dataSourceDirectConnection.html",
            get(sandbox_connect),
        )
        .route("/sandbox/authorize", post(sandbox_authorize))
        .route("/sandbox/dataSourceDirectRevoke.html", get(sandbox_revoke))
        .route("/sandbox/revoke", post(sandbox_revoke_confirmed))
        .route(
            "/sandbox/dataSourceDirectConnectionResult.html",
            get(sandbox_result),
        )
        .route("/sandbox/sandbox.css", get(sandbox_css))
        .route("/sandbox/_test/log", get(sandbox_log))
        .route("/sandbox/_test/fault", post(sandbox_set_fault))
        .route("/sandbox/_test/expire-tokens", post(sandbox_expire))
}

type Params = Query<HashMap<String, String>>;

fn sandbox_of(state: &AppState) -> Option<&Sandbox> {
    match &state.backend {
        Backend::Sandbox(sandbox) => Some(sandbox),
        Backend::Live { .. } => None,
    }
}

/// A `redirect_uri` must be an absolute http(s) URL.
fn redirect_param(params: &HashMap<String, String>) -> Result<Option<Url>, Response> {
    match params.get("redirect_uri").filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => match Url::parse(raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Some(url)),
            _ => Err((
                StatusCode::BAD_REQUEST,
                Html(sandbox::page(
                    "Bad redirect",
                    "<h1>redirect_uri is not an http(s) URL</h1>",
                )),
            )
                .into_response()),
        },
    }
}

fn entry(event: &'static str, params: &HashMap<String, String>) -> LogEntry {
    LogEntry {
        event,
        token: params.get("token").cloned(),
        data_source: params.get("dataSource").cloned(),
        redirect_uri: params.get("redirect_uri").cloned(),
        direct: params.get("direct").cloned(),
        user: None,
        outcome: None,
    }
}

/// Thryve's result page, reached with `dataSource`, `connected` and the `redirect_uri` to forward to.
fn to_result(data_source: &str, connected: bool, redirect: Option<&Url>) -> Response {
    let mut url =
        Url::parse("http://sandbox.invalid/sandbox/dataSourceDirectConnectionResult.html")
            .expect("a valid constant");
    url.query_pairs_mut()
        .append_pair("dataSource", data_source)
        .append_pair("connected", if connected { "true" } else { "false" });
    if let Some(redirect) = redirect {
        url.query_pairs_mut()
            .append_pair("redirect_uri", redirect.as_str());
    }
    let location = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    Redirect::to(&location).into_response()
}

/// The user behind a token for a known web source, or `None` when Thryve would refuse.
fn usable(sandbox: &Sandbox, params: &HashMap<String, String>) -> Option<(String, u32)> {
    let token = params.get("token")?;
    let source: u32 = params.get("dataSource")?.parse().ok()?;
    sandbox::source_name(source)?;
    let user = sandbox.user_of(token).ok()?;
    Some((user, source))
}

async fn sandbox_connect(State(state): State<Shared>, Query(params): Params) -> Response {
    let Some(sandbox) = sandbox_of(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let redirect = match redirect_param(&params) {
        Ok(redirect) => redirect,
        Err(response) => return response,
    };
    let data_source = params.get("dataSource").cloned().unwrap_or_default();
    let usable = usable(sandbox, &params);
    let mut log = entry("connect-page", &params);
    log.user = usable.as_ref().map(|(user, _)| user.clone());
    log.outcome = usable.is_none().then_some("refused");
    sandbox.record(log);
    match usable {
        None => to_result(&data_source, false, redirect.as_ref()),
        Some((_, source)) => Html(sandbox::consent_page(
            sandbox::source_name(source).unwrap_or_default(),
            params.get("token").map(String::as_str).unwrap_or_default(),
            &data_source,
            redirect.as_ref().map(Url::as_str),
        ))
        .into_response(),
    }
}

async fn sandbox_authorize(
    State(state): State<Shared>,
    Form(params): Form<HashMap<String, String>>,
) -> Response {
    let Some(sandbox) = sandbox_of(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let redirect = match redirect_param(&params) {
        Ok(redirect) => redirect,
        Err(response) => return response,
    };
    let data_source = params.get("dataSource").cloned().unwrap_or_default();
    let allow = params.get("decision").map(String::as_str) == Some("allow");
    let connected = match usable(sandbox, &params) {
        Some((user, source)) if allow => {
            sandbox.set_connected(&user, source, true);
            true
        }
        _ => false,
    };
    let mut log = entry("authorize", &params);
    log.outcome = Some(if connected {
        "connected"
    } else if allow {
        "refused"
    } else {
        "denied"
    });
    sandbox.record(log);
    to_result(&data_source, connected, redirect.as_ref())
}

/// Revokes for the token's user; `connected` afterwards (true when the revoke failed).
fn revoke(sandbox: &Sandbox, params: &HashMap<String, String>) -> bool {
    let done = match usable(sandbox, params) {
        Some((user, source)) => {
            sandbox.set_connected(&user, source, false);
            true
        }
        None => false,
    };
    let mut log = entry("revoke", params);
    log.outcome = Some(if done { "revoked" } else { "refused" });
    sandbox.record(log);
    !done
}

async fn sandbox_revoke(State(state): State<Shared>, Query(params): Params) -> Response {
    let Some(sandbox) = sandbox_of(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let redirect = match redirect_param(&params) {
        Ok(redirect) => redirect,
        Err(response) => return response,
    };
    let data_source = params.get("dataSource").cloned().unwrap_or_default();
    if params.get("direct").map(String::as_str) == Some("true") {
        let connected = revoke(sandbox, &params);
        return match redirect {
            Some(redirect) => to_result(&data_source, connected, Some(&redirect)),
            None => Html(sandbox::result_page(
                data_source.parse().ok().and_then(sandbox::source_name),
                &data_source,
                connected,
            ))
            .into_response(),
        };
    }
    sandbox.record(entry("revoke-page", &params));
    let hidden: String = ["token", "dataSource", "redirect_uri"]
        .iter()
        .filter_map(|k| params.get(*k).map(|v| (k, v)))
        .map(|(k, v)| {
            format!(
                r#"<input type="hidden" name="{k}" value="{}">"#,
                sandbox::escape(v)
            )
        })
        .collect();
    let name = data_source
        .parse()
        .ok()
        .and_then(sandbox::source_name)
        .unwrap_or("this data source");
    Html(sandbox::page(
        "Disconnect",
        &format!(
            r#"<h1>Disconnect {name}?</h1>
<form method="post" action="/sandbox/revoke">{hidden}<button type="submit" class="sandbox__deny">Disconnect</button></form>"#
        ),
    ))
    .into_response()
}

async fn sandbox_revoke_confirmed(
    State(state): State<Shared>,
    Form(params): Form<HashMap<String, String>>,
) -> Response {
    let Some(sandbox) = sandbox_of(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let redirect = match redirect_param(&params) {
        Ok(redirect) => redirect,
        Err(response) => return response,
    };
    let connected = revoke(sandbox, &params);
    to_result(
        params
            .get("dataSource")
            .map(String::as_str)
            .unwrap_or_default(),
        connected,
        redirect.as_ref(),
    )
}

async fn sandbox_result(Query(params): Params) -> Response {
    let redirect = match redirect_param(&params) {
        Ok(redirect) => redirect,
        Err(response) => return response,
    };
    let data_source = params.get("dataSource").cloned().unwrap_or_default();
    let connected = params.get("connected").map(String::as_str) == Some("true");
    match redirect {
        Some(redirect) => {
            Redirect::to(sandbox::forward_url(&redirect, &data_source, connected).as_str())
                .into_response()
        }
        None => Html(sandbox::result_page(
            data_source.parse().ok().and_then(sandbox::source_name),
            &data_source,
            connected,
        ))
        .into_response(),
    }
}

async fn sandbox_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("sandbox.css"),
    )
        .into_response()
}

async fn sandbox_log(State(state): State<Shared>) -> Response {
    match sandbox_of(&state) {
        Some(sandbox) => Json(sandbox.log()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(serde::Deserialize)]
struct FaultRequest {
    session: SessionFault,
}

async fn sandbox_set_fault(
    State(state): State<Shared>,
    Json(request): Json<FaultRequest>,
) -> Response {
    match sandbox_of(&state) {
        Some(sandbox) => {
            sandbox.set_fault(request.session);
            StatusCode::NO_CONTENT.into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn sandbox_expire(State(state): State<Shared>) -> Response {
    match sandbox_of(&state) {
        Some(sandbox) => {
            sandbox.expire_tokens();
            StatusCode::NO_CONTENT.into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
