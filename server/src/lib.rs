//! The thryve-connect server: the token and status endpoints the screen calls, in live mode
//! (talking to Thryve with the app's secrets) or sandbox mode (an offline Thryve stand-in), and
//! the built frontend with strict security headers.
//!
//! - [`app`]: everything, as the `thryve-connect-server` binary serves it.
//! - [`api_router`]: only the two endpoints, for a host that has an axum app of its own.
//! - [`Settings`]: read once from the environment ([`Settings::from_env`]) or the command line
//!   ([`Cli`]) and checked.
//! - [`serve`]: the accept loop, with its time-outs, a cap on connections and graceful shutdown.

#![warn(missing_docs)]

mod api;
mod cli;
mod layers;
mod limits;
mod parse;
mod sandbox;
mod sandbox_html;
mod sandbox_pages;
mod serve;
mod settings;
mod thryve;
mod token_cache;
mod web;

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

pub use cli::Cli;
pub use limits::Limits;
pub use serve::{serve, serve_with_shutdown, shutdown_signal};
pub use settings::{Credentials, FrameAncestors, Live, Mode, Secret, Settings, SettingsError};
pub use thryve::{partner_user_id, screen_user_key};

/// The whole application: the API, the sandbox's pages (in sandbox mode), `/healthz` and the
/// built app's files, every response with the security headers; a panicking handler answers
/// 500, every request has a deadline (`settings.limits.request_timeout`, then 408) and a body
/// limit, the server's own errors are JSON, and each request is logged on one line.
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
    let router = layers::hardened(router, &settings.limits);
    layers::request_log(security_headers(router, settings))
}

/// The token and status endpoints alone (`POST` [`SESSION_PATH`] and `GET` [`STATUS_PATH`]),
/// with their body limit, `Cache-Control: no-store` and CORS for `settings.allowed_origins`; no
/// files, no sandbox pages, no security headers, no time-out or request log (the host's own
/// apply). Merge it into the host's `Router`, or nest it under a prefix and point the screen's
/// endpoints there.
///
/// Every error it answers is JSON (`{"error": …, "message": …}`, 405 and 413 included); a body
/// that declares more than 1 KiB is refused at once; a `POST` without
/// `Content-Type: application/json` is refused (415), so that a cross-site form cannot start a
/// session; a user header sent twice is refused (400, `ambiguous_user`).
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
