//! Serving the built app: precompressed files, caching by file name, the security policy, and
//! the settings the server adds to the page's mount element.

use crate::sandbox_pages;
use crate::settings::Settings;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::Router;
use lol_html::errors::RewritingError;
use lol_html::{element, rewrite_str, RewriteStrSettings};
use std::sync::Arc;
use thryve_connect_protocol::endpoint::STATUS_PATH;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

/// The files of `settings.dist_dir`, with cache headers and the page settings.
pub fn router(settings: &Settings) -> Router {
    let mut attributes = vec![("data-status-endpoint", STATUS_PATH)];
    if settings.is_sandbox() {
        attributes.push(("data-thryve-base-url", sandbox_pages::BASE));
    }
    let attributes = Arc::new(attributes);
    let files = ServeDir::new(&settings.dist_dir)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(move |request, next| {
            page_settings(Arc::clone(&attributes), request, next)
        }))
        .layer(middleware::from_fn(cache_control))
        // The pages (rewritten above, so without precompressed twins; the standalone page carries
        // the pre-rendered list, 11 KB raw) go out compressed; files with a twin already are.
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(no_protocol_relative))
}

/// A path that starts with `//` (or `/\`, which browsers read the same) is not served: the
/// file server's "add a slash" redirect would send `Location: //host/`, a link to another site.
pub async fn no_protocol_relative(request: Request, next: Next) -> Response<Body> {
    let path = request.uri().path();
    if path.starts_with("//") || path.starts_with("/\\") {
        return StatusCode::NOT_FOUND.into_response();
    }
    next.run(request).await
}

/// The Content-Security-Policy every response carries. Scripts only from this origin (the app
/// has no inline script: `thryve-connect.js` loads it), WebAssembly compilation allowed, no inline styles.
pub fn content_security_policy(settings: &Settings) -> HeaderValue {
    let connect = if settings.is_sandbox() {
        "'self'".to_owned()
    } else {
        format!(
            "'self' {}",
            settings.thryve_connect_url.origin().ascii_serialization()
        )
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: https:; connect-src {connect}; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors {}",
        settings.frame_ancestors.as_str()
    );
    // Every part is checked: the rest is ASCII (a URL's origin included), and `FrameAncestors`
    // only holds text a header value may carry.
    HeaderValue::try_from(policy).expect("a policy built from checked parts is a header value")
}

/// Whether a file name carries a content hash (Trunk's `name-0123456789abcdef.ext`, a 64-bit
/// hash in hex without leading zeros): such files never change and may be cached for a year.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// The page's mount: the element with `id="thryve-connect"`, or a `<thryve-connect>` element.
const MOUNT: &str = "#thryve-connect, thryve-connect";

/// Sets each of `attributes` (named as on a `<div>` mount, `data-…`) on the mount element(s) that
/// do not have it yet: the page's own settings win. `<thryve-connect>` takes the names without
/// the `data-` prefix. Values are escaped by the rewriter. A page without a mount comes back
/// unchanged.
pub fn inject_settings(html: &str, attributes: &[(&str, &str)]) -> Result<String, RewritingError> {
    rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![element!(MOUNT, |mount| {
                let element = mount.tag_name().eq_ignore_ascii_case("thryve-connect");
                for (name, value) in attributes {
                    let name = match name.strip_prefix("data-") {
                        Some(bare) if element => bare,
                        _ => name,
                    };
                    if !mount.has_attribute(name) {
                        mount.set_attribute(name, value)?;
                    }
                }
                Ok(())
            })],
            ..RewriteStrSettings::new()
        },
    )
}

/// Whether a file is part of the embeddable screen (the loader, its types, the glue, the wasm,
/// the styles, the message tables): public, and loadable from pages on other origins.
pub fn is_shared_asset(path: &str) -> bool {
    [".js", ".wasm", ".css", ".d.ts", ".txt"]
        .iter()
        .any(|extension| path.ends_with(extension))
}

/// Cache headers by path: a year for hashed assets, revalidation for everything else. The
/// screen's files may be loaded by pages on other origins (the loader imports the glue, which
/// fetches the wasm, both with CORS).
pub async fn cache_control(request: Request, next: Next) -> Response<Body> {
    let hashed = is_hashed_asset(request.uri().path());
    let shared = is_shared_asset(request.uri().path());
    let mut response = next.run(request).await;
    if shared && response.status().is_success() {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    if response.status() == StatusCode::OK || response.status() == StatusCode::NOT_MODIFIED {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// The largest HTML page the server rewrites.
const MAX_PAGE: usize = 1 << 20;

/// Rewrites HTML pages with [`inject_settings`].
pub async fn page_settings(
    attributes: Arc<Vec<(&'static str, &'static str)>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let encoded = response.headers().contains_key(header::CONTENT_ENCODING);
    if response.status() != StatusCode::OK || !is_html || encoded || attributes.is_empty() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
        return Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::from("page too large"))
            .unwrap_or_default();
    };
    let Ok(html) = std::str::from_utf8(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let rewritten = match inject_settings(html, &attributes) {
        Ok(rewritten) if rewritten != html => rewritten,
        Ok(_) => return Response::from_parts(parts, Body::from(bytes)),
        Err(error) => {
            tracing::warn!(%error, "the page's settings could not be added");
            return Response::from_parts(parts, Body::from(bytes));
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ETAG);
    parts.headers.remove(header::LAST_MODIFIED);
    Response::from_parts(parts, Body::from(rewritten))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets() {
        assert!(is_hashed_asset("/thryve-connect-6867e421ad43fc92.js"));
        assert!(is_hashed_asset("/thryve-connect-6867e421ad43fc92_bg.wasm"));
        assert!(is_hashed_asset("/a/page-ac14b73da06e667c.css"));
        assert!(
            is_hashed_asset("/thryve-connect-5d1073dbf3d3171.css"),
            "15 digits"
        );
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/boot.js"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/x-123.js"));
    }

    fn inject(html: &str, attributes: &[(&str, &str)]) -> String {
        inject_settings(html, attributes).unwrap()
    }

    #[test]
    fn injects_only_missing_attributes() {
        let html = r#"<main><div id="thryve-connect" data-status-endpoint="/mine"></div></main>"#;
        let out = inject(
            html,
            &[
                ("data-thryve-base-url", "/sandbox/"),
                ("data-status-endpoint", STATUS_PATH),
            ],
        );
        assert_eq!(
            out,
            r#"<main><div id="thryve-connect" data-status-endpoint="/mine" data-thryve-base-url="/sandbox/"></div></main>"#
        );
        assert_eq!(inject("<p>no mount</p>", &[("a", "b")]), "<p>no mount</p>");
        assert_eq!(
            inject(r#"<div id="thryve-connect"/>"#, &[("data-a", "1")]),
            r#"<div id="thryve-connect" data-a="1" />"#
        );
    }

    #[test]
    fn finds_the_mount_as_html_does() {
        let attributes = [("data-a", "1")];
        // Any quoting of the id, and the custom element.
        assert_eq!(
            inject("<div class=x id=thryve-connect></div>", &attributes),
            r#"<div class=x id=thryve-connect data-a="1"></div>"#
        );
        // The element takes its settings without the data- prefix.
        assert_eq!(
            inject("<thryve-connect b></thryve-connect>", &attributes),
            r#"<thryve-connect b a="1"></thryve-connect>"#
        );
        assert_eq!(
            inject("<thryve-connect a=mine></thryve-connect>", &attributes),
            "<thryve-connect a=mine></thryve-connect>"
        );
        // An attribute without a value is the page's own setting; text that merely looks like
        // the mount is not one.
        let page = r#"<p title='id="thryve-connect"'>id="thryve-connect"</p><div id="thryve-connect" data-a></div>"#;
        assert_eq!(inject(page, &attributes), page);
        assert_eq!(
            inject(
                r#"<div id="thryve-connect"></div>"#,
                &[("data-a", r#"a"<b>&"#)]
            ),
            r#"<div id="thryve-connect" data-a="a&quot;<b>&"></div>"#
        );
    }

    #[test]
    fn csp_forbids_inline_script() {
        let settings = Settings::sandbox("dist".into());
        let csp = content_security_policy(&settings);
        let csp = csp.to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("'unsafe-eval'"));
        assert!(csp.ends_with("frame-ancestors 'none'"));
    }

    #[test]
    fn csp_allows_thryves_origin_in_live_mode() {
        use crate::settings::{Credentials, Live, Mode, Secret};
        let credentials = Credentials {
            username: "u".into(),
            password: "p".into(),
            auth_id: "a".into(),
            auth_secret: "s".into(),
        };
        for (connect_url, origin) in [
            (
                "https://service2.und-gesund.de/",
                "https://service2.und-gesund.de",
            ),
            (
                "https://xn--bcher-kva.example:8443/x?y#z",
                "https://xn--bcher-kva.example:8443",
            ),
            ("http://[::1]:9000/", "http://[::1]:9000"),
        ] {
            let settings = Settings {
                mode: Mode::Live(Box::new(Live {
                    credentials: credentials.clone(),
                    api_url: "https://api.thryve.de".parse().unwrap(),
                    user_header: axum::http::HeaderName::from_static(
                        thryve_connect_protocol::endpoint::DEFAULT_USER_HEADER,
                    ),
                    user_id_key: Secret("k".repeat(32)),
                })),
                thryve_connect_url: connect_url.parse().unwrap(),
                frame_ancestors: "'self' https://app.example.com".parse().unwrap(),
                ..Settings::sandbox("dist".into())
            };
            let csp = content_security_policy(&settings);
            let csp = csp.to_str().unwrap();
            assert!(
                csp.contains(&format!("connect-src 'self' {origin};")),
                "{csp}"
            );
            assert!(csp.ends_with("frame-ancestors 'self' https://app.example.com"));
        }
    }
}
