//! The sandbox's stand-ins for Thryve's direct connection pages, and its test hooks.
//! Mounted only in sandbox mode.

use crate::api::Reject;
use crate::sandbox::{self, LogEntry, Sandbox, SessionFault};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use std::collections::HashMap;
use std::sync::Arc;
use url::Url;

type Shared = State<Arc<Sandbox>>;
type Params = HashMap<String, String>;

pub fn routes(test_hooks: bool) -> Router<Arc<Sandbox>> {
    let pages = Router::new()
        .route(
            "/sandbox/dataSourceDirectConnection.html",
            get(connect_page),
        )
        .route("/sandbox/authorize", post(authorize))
        .route("/sandbox/dataSourceDirectRevoke.html", get(revoke_page))
        .route("/sandbox/revoke", post(revoke_confirmed))
        .route(
            "/sandbox/dataSourceDirectConnectionResult.html",
            get(result_page),
        )
        .route("/sandbox/sandbox.css", get(css));
    if !test_hooks {
        return pages;
    }
    pages
        .route("/sandbox/_test/log", get(log))
        .route("/sandbox/_test/fault", post(set_fault))
        .route("/sandbox/_test/expire-tokens", post(expire_tokens))
}

/// A `redirect_uri` must be an absolute http(s) URL on this server's own host: the sandbox
/// forwards only to the app it serves (no open redirect).
fn redirect_param(params: &Params, headers: &HeaderMap) -> Result<Option<Url>, Reject> {
    let Some(raw) = params.get("redirect_uri").filter(|r| !r.is_empty()) else {
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
            sandbox::page(
                "Bad redirect",
                "<h1>redirect_uri must be an http(s) URL on this server</h1>",
            ),
        )),
    }
}

fn data_source(params: &Params) -> &str {
    params
        .get("dataSource")
        .map(String::as_str)
        .unwrap_or_default()
}

fn source_name(params: &Params) -> Option<&'static str> {
    data_source(params)
        .parse()
        .ok()
        .and_then(sandbox::source_name)
}

fn entry(event: &'static str, params: &Params, outcome: Option<&'static str>) -> LogEntry {
    LogEntry {
        event,
        token: params.get("token").cloned(),
        data_source: params.get("dataSource").cloned(),
        redirect_uri: params.get("redirect_uri").cloned(),
        direct: params.get("direct").cloned(),
        outcome,
    }
}

/// Thryve's result page, with the `redirect_uri` to forward to.
fn to_result(params: &Params, connected: bool, redirect: Option<&Url>) -> Response {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("dataSource", data_source(params))
        .append_pair("connected", if connected { "true" } else { "false" });
    if let Some(redirect) = redirect {
        query.append_pair("redirect_uri", redirect.as_str());
    }
    Redirect::to(&format!(
        "/sandbox/dataSourceDirectConnectionResult.html?{}",
        query.finish()
    ))
    .into_response()
}

/// The user behind the token, for a known web source; `None` where Thryve would refuse.
fn usable(sandbox: &Sandbox, params: &Params) -> Option<(String, u32)> {
    let source: u32 = data_source(params).parse().ok()?;
    sandbox::source_name(source)?;
    let user = sandbox.user_of(params.get("token")?).ok()?;
    Some((user, source))
}

async fn connect_page(
    State(sandbox): Shared,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Result<Response, Reject> {
    let redirect = redirect_param(&params, &headers)?;
    let usable = usable(&sandbox, &params);
    sandbox.record(entry(
        "connect-page",
        &params,
        usable.is_none().then_some("refused"),
    ));
    Ok(match usable {
        None => to_result(&params, false, redirect.as_ref()),
        Some(_) => Html(sandbox::consent_page(
            source_name(&params).unwrap_or_default(),
            params.get("token").map(String::as_str).unwrap_or_default(),
            data_source(&params),
            redirect.as_ref().map(Url::as_str),
        ))
        .into_response(),
    })
}

async fn authorize(
    State(sandbox): Shared,
    headers: HeaderMap,
    Form(params): Form<Params>,
) -> Result<Response, Reject> {
    let redirect = redirect_param(&params, &headers)?;
    let allow = params.get("decision").map(String::as_str) == Some("allow");
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
    sandbox.record(entry("authorize", &params, Some(outcome)));
    Ok(to_result(&params, connected, redirect.as_ref()))
}

/// Revokes for the token's user; returns `connected` afterwards (true when the revoke failed).
fn revoke(sandbox: &Sandbox, params: &Params) -> bool {
    let done =
        usable(sandbox, params).map(|(user, source)| sandbox.set_connected(&user, source, false));
    sandbox.record(entry(
        "revoke",
        params,
        Some(if done.is_some() { "revoked" } else { "refused" }),
    ));
    done.is_none()
}

async fn revoke_page(
    State(sandbox): Shared,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Result<Response, Reject> {
    let redirect = redirect_param(&params, &headers)?;
    if params.get("direct").map(String::as_str) == Some("true") {
        let connected = revoke(&sandbox, &params);
        return Ok(match redirect {
            Some(redirect) => to_result(&params, connected, Some(&redirect)),
            None => Html(sandbox::result_page(
                source_name(&params),
                data_source(&params),
                connected,
            ))
            .into_response(),
        });
    }
    sandbox.record(entry("revoke-page", &params, None));
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
    let name = source_name(&params).unwrap_or("this data source");
    Ok(Html(sandbox::page(
        "Disconnect",
        &format!(
            r#"<h1>Disconnect {name}?</h1>
<form method="post" action="/sandbox/revoke">{hidden}<button type="submit" class="sandbox__deny">Disconnect</button></form>"#
        ),
    ))
    .into_response())
}

async fn revoke_confirmed(
    State(sandbox): Shared,
    headers: HeaderMap,
    Form(params): Form<Params>,
) -> Result<Response, Reject> {
    let redirect = redirect_param(&params, &headers)?;
    let connected = revoke(&sandbox, &params);
    Ok(to_result(&params, connected, redirect.as_ref()))
}

async fn result_page(headers: HeaderMap, Query(params): Query<Params>) -> Result<Response, Reject> {
    let redirect = redirect_param(&params, &headers)?;
    let connected = params.get("connected").map(String::as_str) == Some("true");
    Ok(match redirect {
        Some(redirect) => {
            Redirect::to(sandbox::forward_url(&redirect, data_source(&params), connected).as_str())
                .into_response()
        }
        None => Html(sandbox::result_page(
            source_name(&params),
            data_source(&params),
            connected,
        ))
        .into_response(),
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
struct FaultRequest {
    session: SessionFault,
}

async fn set_fault(State(sandbox): Shared, Json(request): Json<FaultRequest>) -> StatusCode {
    sandbox.set_fault(request.session);
    StatusCode::NO_CONTENT
}

async fn expire_tokens(State(sandbox): Shared) -> StatusCode {
    sandbox.expire_tokens();
    StatusCode::NO_CONTENT
}
