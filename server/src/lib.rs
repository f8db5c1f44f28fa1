//! The thryve-connect server: the token and status endpoints the screen calls, in live mode
//! (talking to Thryve with the app's secrets) or sandbox mode (an offline Thryve stand-in), and
//! the built frontend with strict security headers.

mod api;
pub mod sandbox;
mod sandbox_pages;
pub mod settings;
pub mod thryve;
pub mod web;

use api::Backend;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::{get, post};
use axum::Router;
use sandbox::Sandbox;
use settings::{Mode, Settings};
use std::sync::Arc;
use thryve::Thryve;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use api::{MAX_BODY, SANDBOX_COOKIE};

/// The whole application: API, sandbox (in sandbox mode) and static files.
pub fn app(settings: &Settings) -> Router {
    let backend = match &settings.mode {
        Mode::Live(live) => Backend::Live {
            thryve: Box::new(Thryve::new(live, settings.upstream_timeout)),
            user_header: HeaderName::from_bytes(live.user_header.as_bytes())
                .unwrap_or(HeaderName::from_static(settings::DEFAULT_USER_HEADER)),
        },
        Mode::Sandbox { token_ttl, .. } => Backend::Sandbox(Arc::new(Sandbox::new(*token_ttl))),
    };
    let sandbox = match &backend {
        Backend::Sandbox(sandbox) => Some(Arc::clone(sandbox)),
        Backend::Live { .. } => None,
    };

    let mut api = Router::new()
        .route("/api/connection-session", post(api::connection_session))
        .route("/api/connection-status", get(api::connection_status))
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
        .merge(api.with_state(Arc::new(backend)))
        .route("/healthz", get(|| async { "ok" }));
    if let Some(sandbox) = sandbox {
        page_attributes.push(("data-thryve-base-url", "/sandbox/"));
        let test_hooks = matches!(
            settings.mode,
            Mode::Sandbox {
                test_hooks: true,
                ..
            }
        );
        router = router.merge(sandbox_pages::routes(test_hooks).with_state(sandbox));
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
    let mut router = router.merge(files);
    if settings.is_sandbox() {
        router = router.layer(axum::middleware::from_fn(api::sandbox_user));
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
