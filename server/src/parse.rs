//! Reading single setting values: seconds, origins, URLs (and whether a URL may carry secrets).

use axum::http::HeaderValue;
use std::time::Duration;
use url::Url;

/// A whole number of seconds above 0, or `default` (and a problem) when it is not one.
pub(crate) fn parse_secs(
    value: Option<String>,
    default: u64,
    name: &str,
    problems: &mut Vec<String>,
) -> Duration {
    match value {
        None => Duration::from_secs(default),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n > 0 => Duration::from_secs(n),
            _ => {
                problems.push(format!(
                    "{name} {v:?} must be a whole number of seconds above 0"
                ));
                Duration::from_secs(default)
            }
        },
    }
}

/// `ALLOWED_ORIGINS`: comma-separated `http(s)://host[:port]`, each a valid header value.
pub(crate) fn parse_origins(value: Option<String>, problems: &mut Vec<String>) -> Vec<HeaderValue> {
    let Some(value) = value else {
        return Vec::new();
    };
    value
        .split(',')
        .map(|o| o.trim().trim_end_matches('/'))
        .filter(|o| !o.is_empty())
        .filter_map(|origin| {
            let header = HeaderValue::from_str(origin).ok();
            let origin_like = origin.starts_with("https://") || origin.starts_with("http://");
            if header.is_none() || !origin_like {
                problems.push(format!(
                    "ALLOWED_ORIGINS: {origin:?} is not an origin such as https://app.example.com"
                ));
            }
            header.filter(|_| origin_like)
        })
        .collect()
}

/// Whether `url` is safe to send Thryve's secrets to: `https://`, or `http://` on a loopback
/// host (127.0.0.0/8, `::1`, `localhost`: a stand-in on this machine). Adds a problem if not.
pub(crate) fn secure(url: &Url, name: &str, problems: &mut Vec<String>) -> bool {
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    let ok = url.scheme() == "https" || loopback;
    if !ok {
        problems.push(format!(
            "{name} {:?} must be https:// (http:// only on a loopback host)",
            url.as_str()
        ));
    }
    ok
}

pub(crate) fn parse_url(value: &str, name: &str, problems: &mut Vec<String>) -> Option<Url> {
    match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
        _ => {
            problems.push(format!("{name} {value:?} is not an http(s) URL"));
            None
        }
    }
}
