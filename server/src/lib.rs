//! The thryve-connect server: the token and status endpoints the screen calls, in live mode
//! (talking to Thryve with the app's secrets) or sandbox mode (an offline Thryve stand-in), and
//! the built frontend with strict security headers.
//!
//! - [`app`]: everything, as the `thryve-connect-server` binary serves it.
//! - [`api_router`]: only the two endpoints, for a host that has an axum app of its own.
//! - [`Settings`]: read once from the environment ([`Settings::from_env`]) and checked.

#![warn(missing_docs)]

mod api;
mod sandbox;
mod sandbox_html;
mod sandbox_pages;
mod settings;
mod thryve;
mod web;

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

pub use settings::{Credentials, FrameAncestors, Live, Mode, Secret, Settings, SettingsError};
pub use thryve::partner_user_id;

/// The whole application: the API, the sandbox's pages (in sandbox mode), `/healthz` and the
/// built app's files, every response with the security headers.
pub fn app(settings: &Settings) -> Router {
    let backend = api::Backend::new(settings);
    let sandbox = backend.sandbox();
    let mut router = Router::new()
        .merge(api::router(backend, settings))
        .route("/healthz", get(|| async { "ok" }))
        .merge(web::router(settings));
    if let Some(sandbox) = sandbox {
        router = router
            .merge(sandbox_pages::router(sandbox, settings.test_hooks()))
            .layer(axum::middleware::from_fn(api::sandbox_user));
    }
    security_headers(router, settings)
}

/// The token and status endpoints alone (`POST` [`SESSION_PATH`] and `GET` [`STATUS_PATH`]),
/// with their body limit, `Cache-Control: no-store` and CORS for `settings.allowed_origins`; no
/// files, no sandbox pages, no security headers (the host's own apply). Merge it into the host's
/// `Router`, or nest it under a prefix and point the screen's endpoints there.
///
/// In live mode the host's authentication must set the user header (`settings`'s,
/// [`DEFAULT_USER_HEADER`] by default) and strip it from clients. In sandbox mode the user is
/// named by [`DEFAULT_USER_HEADER`]; the sandbox's pages are not mounted, so its tokens serve
/// tests of the endpoints only.
///
/// [`SESSION_PATH`]: thryve_connect_protocol::endpoint::SESSION_PATH
/// [`STATUS_PATH`]: thryve_connect_protocol::endpoint::STATUS_PATH
/// [`DEFAULT_USER_HEADER`]: thryve_connect_protocol::endpoint::DEFAULT_USER_HEADER
pub fn api_router(settings: &Settings) -> Router {
    api::router(api::Backend::new(settings), settings)
}

/// `Content-Security-Policy`, `X-Content-Type-Options`, `Referrer-Policy` (and `X-Frame-Options`
/// when nobody may frame the app) on every response that has not set its own.
fn security_headers(mut router: Router, settings: &Settings) -> Router {
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            web::content_security_policy(settings),
        ),
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
    if settings.frame_ancestors.forbids_framing() {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ));
    }
    router
}

/// Serves [`app`] on `listener` until ctrl-c.
pub async fn serve(listener: tokio::net::TcpListener, settings: &Settings) -> std::io::Result<()> {
    axum::serve(listener, app(settings))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
