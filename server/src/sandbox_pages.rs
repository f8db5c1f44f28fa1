//! The sandbox's stand-ins for Thryve's direct connection pages, and its test hooks.
//! Mounted only in sandbox mode.

use crate::api::Reject;
use crate::sandbox::{LogEntry, Sandbox, SessionFault};
use crate::sandbox_html;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use maud::Markup;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::Arc;
use thryve_connect_protocol::catalogue::{self, DataSource, SourceId};
use thryve_connect_protocol::thryve::{
    self, CONNECTED_PARAM, CONNECT_PAGE, REDIRECT_PARAM, RESULT_PAGE, REVOKE_PAGE, SOURCE_PARAM,
    TOKEN_PARAM,
};
use url::Url;

/// Where the sandbox's pages live: its stand-in for Thryve's connect base.
pub const BASE: &str = "/sandbox/";
/// The route the consent page posts its decision to, under [`BASE`].
pub const AUTHORIZE: &str = "authorize";
/// The route the revoke confirmation posts to, under [`BASE`].
pub const REVOKE: &str = "revoke";
/// The pages' stylesheet, under [`BASE`].
pub const STYLESHEET: &str = "sandbox.css";

/// The absolute path of `name` under [`BASE`].
pub fn path(name: &str) -> String {
    format!("{BASE}{name}")
}

type Shared = State<Arc<Sandbox>>;
/// A query or form as it came: every pair, in order.
type Pairs = Vec<(String, String)>;

/// The sandbox's pages (and, with `test_hooks`, `/sandbox/_test/…`) on `sandbox`.
pub fn router(sandbox: Arc<Sandbox>, test_hooks: bool) -> Router {
    let pages = Router::new()
        .route(&path(CONNECT_PAGE), get(connect_page))
        .route(&path(AUTHORIZE), post(authorize))
        .route(&path(REVOKE_PAGE), get(revoke_page))
        .route(&path(REVOKE), post(revoke_confirmed))
        .route(&path(RESULT_PAGE), get(result_page))
        .route(&path(STYLESHEET), get(css));
    let pages = if test_hooks {
        pages
            .route(&path("_test/log"), get(log))
            .route(&path("_test/fault"), post(set_fault))
            .route(&path("_test/expire-tokens"), post(expire_tokens))
            .route(&path("_test/needs-reconnect"), post(needs_reconnect))
    } else {
        pages
    };
    // The forms are a few short fields: a small body limit (16 KiB), not axum's 2 MB.
    pages
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::layers::MAX_BODY,
        ))
        .with_state(sandbox)
}

/// The parameters of Thryve's direct pages and of the sandbox's forms. Each is optional text, so
/// no request is refused for its parameters; what they mean is decided where they are used.
#[derive(Debug, Default, Deserialize)]
struct DirectParams {
    token: Option<String>,
    #[serde(rename = "dataSource")]
    data_source: Option<String>,
    redirect_uri: Option<String>,
    direct: Option<String>,
    decision: Option<String>,
    connected: Option<String>,
}

impl DirectParams {
    /// Reads a query's or form's pairs; a repeated parameter keeps its last value (the derived
    /// `Deserialize` alone would refuse the request).
    fn from_pairs(pairs: Pairs) -> DirectParams {
        let last: Map<String, Value> = pairs
            .into_iter()
            .map(|(name, value)| (name, Value::String(value)))
            .collect();
        // Every field is an optional string and other names are ignored: this cannot fail.
        serde_json::from_value(Value::Object(last)).unwrap_or_default()
    }

    fn data_source(&self) -> &str {
        self.data_source.as_deref().unwrap_or_default()
    }

    /// The web source the request names, if it is one.
    fn source(&self) -> Option<&'static DataSource> {
        self.data_source()
            .parse()
            .ok()
            .and_then(catalogue::find_web)
    }

    fn source_name(&self) -> Option<&'static str> {
        self.source().map(|source| source.name)
    }

    fn entry(&self, event: &'static str, outcome: Option<&'static str>) -> LogEntry {
        LogEntry {
            event,
            token: self.token.clone(),
            data_source: self.data_source.clone(),
            redirect_uri: self.redirect_uri.clone(),
            direct: self.direct.clone(),
            outcome,
        }
    }

    /// A `redirect_uri` must be an absolute http(s) URL on this server's own host: the sandbox
    /// forwards only to the app it serves (no open redirect).
    fn redirect(&self, headers: &HeaderMap) -> Result<Option<Url>, Reject> {
        let Some(raw) = self.redirect_uri.as_deref().filter(|r| !r.is_empty()) else {
            return Ok(None);
        };
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        match Url::parse(raw) {
            Ok(url)
                if matches!(url.scheme(), "http" | "https")
                    && host.is_some_and(|host| {
                        url[url::Position::BeforeHost..url::Position::AfterPort] == *host
                    }) =>
            {
                Ok(Some(url))
            }
            _ => Err(Reject::Html(
                StatusCode::BAD_REQUEST,
                sandbox_html::bad_redirect_page().into_string(),
            )),
        }
    }
}

fn page(markup: Markup) -> Response {
    Html(markup.into_string()).into_response()
}

/// Thryve's result page, with the `redirect_uri` to forward to.
fn to_result(params: &DirectParams, connected: bool, redirect: Option<&Url>) -> Response {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair(SOURCE_PARAM, params.data_source())
        .append_pair(CONNECTED_PARAM, if connected { "true" } else { "false" });
    if let Some(redirect) = redirect {
        query.append_pair(REDIRECT_PARAM, redirect.as_str());
    }
    Redirect::to(&format!("{}?{}", path(RESULT_PAGE), query.finish())).into_response()
}

/// The user behind the token, for a known web source; `None` where Thryve would refuse.
fn usable(sandbox: &Sandbox, params: &DirectParams) -> Option<(String, SourceId)> {
    let source = params.source()?;
    let user = sandbox.user_of(params.token.as_deref()?).ok()?;
    Some((user, source.id))
}

async fn connect_page(
    State(sandbox): Shared,
    headers: HeaderMap,
    Query(pairs): Query<Pairs>,
) -> Result<Response, Reject> {
    let params = DirectParams::from_pairs(pairs);
    let redirect = params.redirect(&headers)?;
    let usable = usable(&sandbox, &params);
    sandbox.record(params.entry("connect-page", usable.is_none().then_some("refused")));
    Ok(match usable {
        None => to_result(&params, false, redirect.as_ref()),
        Some(_) => page(sandbox_html::consent_page(
            params.source_name().unwrap_or_default(),
            params.token.as_deref().unwrap_or_default(),
            params.data_source(),
            redirect.as_ref().map(Url::as_str),
        )),
    })
}

async fn authorize(
    State(sandbox): Shared,
    headers: HeaderMap,
    Form(pairs): Form<Pairs>,
) -> Result<Response, Reject> {
    let params = DirectParams::from_pairs(pairs);
    let redirect = params.redirect(&headers)?;
    let allow = params.decision.as_deref() == Some("allow");
    let connected = match usable(&sandbox, &params) {
        Some((user, source)) if allow => {
            sandbox.set_connected(&user, source, true);
            true
        }
        _ => false,
    };
    let outcome = match (connected, allow) {
        (true, _) => "connected",
        (false, true) => "refused",
        (false, false) => "denied",
    };
    sandbox.record(params.entry("authorize", Some(outcome)));
    Ok(to_result(&params, connected, redirect.as_ref()))
}

/// Revokes for the token's user; returns `connected` afterwards (true when the revoke failed).
fn revoke(sandbox: &Sandbox, params: &DirectParams) -> bool {
    let done =
        usable(sandbox, params).map(|(user, source)| sandbox.set_connected(&user, source, false));
    sandbox.record(params.entry(
        "revoke",
        Some(if done.is_some() { "revoked" } else { "refused" }),
    ));
    done.is_none()
}

async fn revoke_page(
    State(sandbox): Shared,
    headers: HeaderMap,
    Query(pairs): Query<Pairs>,
) -> Result<Response, Reject> {
    let params = DirectParams::from_pairs(pairs);
    let redirect = params.redirect(&headers)?;
    if params.direct.as_deref() == Some("true") {
        let connected = revoke(&sandbox, &params);
        return Ok(match redirect {
            Some(redirect) => to_result(&params, connected, Some(&redirect)),
            None => page(sandbox_html::result_page(
                params.source_name(),
                params.data_source(),
                connected,
            )),
        });
    }
    sandbox.record(params.entry("revoke-page", None));
    let fields: Vec<(&str, &str)> = [
        (TOKEN_PARAM, &params.token),
        (SOURCE_PARAM, &params.data_source),
        (REDIRECT_PARAM, &params.redirect_uri),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name, value.as_deref()?)))
    .collect();
    Ok(page(sandbox_html::revoke_page(
        params.source_name().unwrap_or("this data source"),
        &fields,
    )))
}

async fn revoke_confirmed(
    State(sandbox): Shared,
    headers: HeaderMap,
    Form(pairs): Form<Pairs>,
) -> Result<Response, Reject> {
    let params = DirectParams::from_pairs(pairs);
    let redirect = params.redirect(&headers)?;
    let connected = revoke(&sandbox, &params);
    Ok(to_result(&params, connected, redirect.as_ref()))
}

async fn result_page(headers: HeaderMap, Query(pairs): Query<Pairs>) -> Result<Response, Reject> {
    let params = DirectParams::from_pairs(pairs);
    let redirect = params.redirect(&headers)?;
    let connected = params.connected.as_deref() == Some("true");
    Ok(match redirect {
        Some(redirect) => Redirect::to(
            thryve::forward_url(&redirect.into(), params.data_source(), connected).as_str(),
        )
        .into_response(),
        None => page(sandbox_html::result_page(
            params.source_name(),
            params.data_source(),
            connected,
        )),
    })
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("sandbox.css"),
    )
        .into_response()
}

async fn log(State(sandbox): Shared) -> Response {
    Json(sandbox.log()).into_response()
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultRequest {
    session: Option<SessionFault>,
    /// Whether session answers carry the user key.
    user_key: Option<bool>,
    /// Whether status answers carry details (since, last data, reconnect) or plain IDs.
    status_details: Option<bool>,
}

async fn set_fault(State(sandbox): Shared, Json(request): Json<FaultRequest>) -> StatusCode {
    if let Some(fault) = request.session {
        sandbox.set_fault(fault);
    }
    if let Some(send) = request.user_key {
        sandbox.set_sends_user_key(send);
    }
    if let Some(details) = request.status_details {
        sandbox.set_status_details(details);
    }
    StatusCode::NO_CONTENT
}

#[derive(serde::Deserialize)]
struct ReconnectRequest {
    /// The sandbox user (the `x-user-id` header's value or the sandbox cookie's).
    user: String,
    source: SourceId,
    #[serde(default = "yes")]
    needs: bool,
}

fn yes() -> bool {
    true
}

/// Marks a user's connected source as needing a reconnect: `404` when it is not connected.
async fn needs_reconnect(
    State(sandbox): Shared,
    Json(request): Json<ReconnectRequest>,
) -> StatusCode {
    if sandbox.set_needs_reconnect(&request.user, request.source, request.needs) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn expire_tokens(State(sandbox): Shared) -> StatusCode {
    sandbox.expire_tokens();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn params_are_read_like_a_map_of_strings() {
        let params = DirectParams::from_pairs(pairs(&[
            ("token", "a"),
            ("dataSource", "11"),
            ("token", "b"),
            ("unknown", "x"),
            ("direct", ""),
        ]));
        assert_eq!(params.token.as_deref(), Some("b"), "the last value wins");
        assert_eq!(params.source_name(), Some("Strava"));
        assert_eq!(params.direct.as_deref(), Some(""));
        assert_eq!(params.redirect_uri, None);
        let none = DirectParams::from_pairs(Vec::new());
        assert_eq!(none.data_source(), "");
        assert_eq!(none.source_name(), None);
        for id in ["5", "12", "x", "-1"] {
            let params = DirectParams::from_pairs(pairs(&[("dataSource", id)]));
            assert_eq!(params.source(), None, "{id} is no web source");
        }
    }
}
