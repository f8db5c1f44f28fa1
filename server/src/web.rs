//! Serving the built app: precompressed files, caching by file name, security headers, and the
//! settings the server adds to the page's mount element.

use crate::settings::Settings;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::middleware::Next;

/// The Content-Security-Policy every response carries. Scripts only from this origin (the app
/// has no inline script: `boot.js` loads it), WebAssembly compilation allowed, no inline styles.
pub fn content_security_policy(settings: &Settings) -> String {
    let connect = if settings.is_sandbox() {
        "'self'".to_owned()
    } else {
        format!(
            "'self' {}",
            settings.thryve_connect_url.origin().ascii_serialization()
        )
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: https:; connect-src {connect}; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors {}",
        settings.frame_ancestors
    )
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

/// Adds `name="value"` to the mount element (`id="thryve-connect"`) for each attribute the page
/// does not set itself.
pub fn inject_settings(html: &str, attributes: &[(&str, &str)]) -> String {
    let Some(id_at) = html.find(r#"id="thryve-connect""#) else {
        return html.to_owned();
    };
    let (Some(start), Some(end)) = (
        html[..id_at].rfind('<'),
        html[id_at..].find('>').map(|e| id_at + e),
    ) else {
        return html.to_owned();
    };
    let tag = &html[start..end];
    let added: String = attributes
        .iter()
        .filter(|(name, _)| !tag.contains(&format!("{name}=")))
        .map(|(name, value)| format!(r#" {name}="{}""#, crate::sandbox::escape(value)))
        .collect();
    let insert_at = if tag.ends_with('/') { end - 1 } else { end };
    format!("{}{added}{}", &html[..insert_at], &html[insert_at..])
}

/// Cache headers by path: a year for hashed assets, revalidation for everything else.
pub async fn cache_control(request: Request, next: Next) -> Response<Body> {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
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
    attributes: std::sync::Arc<Vec<(&'static str, &'static str)>>,
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
    let rewritten = inject_settings(html, &attributes);
    if rewritten.len() == html.len() {
        return Response::from_parts(parts, Body::from(bytes));
    }
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

    #[test]
    fn injects_only_missing_attributes() {
        let html = r#"<main><div id="thryve-connect" data-status-endpoint="/mine"></div></main>"#;
        let out = inject_settings(
            html,
            &[
                ("data-thryve-base-url", "/sandbox/"),
                ("data-status-endpoint", "/api/connection-status"),
            ],
        );
        assert_eq!(
            out,
            r#"<main><div id="thryve-connect" data-status-endpoint="/mine" data-thryve-base-url="/sandbox/"></div></main>"#
        );
        assert_eq!(
            inject_settings("<p>no mount</p>", &[("a", "b")]),
            "<p>no mount</p>"
        );
        assert_eq!(
            inject_settings(r#"<div id="thryve-connect"/>"#, &[("data-a", "1")]),
            r#"<div id="thryve-connect" data-a="1"/>"#
        );
    }

    #[test]
    fn csp_forbids_inline_script() {
        let settings = Settings::sandbox("dist".into());
        let csp = content_security_policy(&settings);
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("'unsafe-eval'"));
        assert!(csp.ends_with("frame-ancestors 'none'"));
    }
}
