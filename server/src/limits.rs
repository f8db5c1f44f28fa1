//! The server's limits: how long a client may take, how many may be connected, how much the
//! live mode remembers. Each has a default that suits a production deployment and an
//! environment variable (and a flag, see `cli`) to change it.

use crate::parse::parse_secs;
use std::time::Duration;

/// Time-outs, the connection cap and the size of the live token cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a request's headers, and how long an idle keep-alive
    /// connection waits for its next request, before it is closed (`HEADER_TIMEOUT_SECS`,
    /// default 10).
    pub header_timeout: Duration,
    /// How long a whole request may take, body and answer included, before it is answered
    /// `408` (`REQUEST_TIMEOUT_SECS`, default 30).
    pub request_timeout: Duration,
    /// How many connections are served at once; more wait until one closes
    /// (`MAX_CONNECTIONS`, default 1024).
    pub max_connections: usize,
    /// Live mode: how many users' Thryve access tokens are kept; the least recently used is
    /// dropped first (`THRYVE_TOKEN_CACHE_SIZE`, default 10000).
    pub token_cache_size: usize,
    /// Live mode: how long a Thryve access token is kept before it is asked for again
    /// (`THRYVE_TOKEN_CACHE_TTL_SECS`, default 3600).
    pub token_cache_ttl: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            token_cache_size: 10_000,
            token_cache_ttl: Duration::from_secs(3600),
        }
    }
}

impl Limits {
    /// Reads the limits through `get` (already trimmed, empty values absent); each problem is
    /// added to `problems`.
    pub(crate) fn from_env(
        get: impl Fn(&str) -> Option<String>,
        problems: &mut Vec<String>,
    ) -> Limits {
        let default = Limits::default();
        let secs = |name: &str, default: Duration, problems: &mut Vec<String>| {
            parse_secs(get(name), default.as_secs(), name, problems)
        };
        let count = |name: &str, default: usize, problems: &mut Vec<String>| match get(name) {
            None => default,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n > 0 => n,
                _ => {
                    problems.push(format!("{name} {v:?} must be a whole number above 0"));
                    default
                }
            },
        };
        Limits {
            header_timeout: secs("HEADER_TIMEOUT_SECS", default.header_timeout, problems),
            request_timeout: secs("REQUEST_TIMEOUT_SECS", default.request_timeout, problems),
            max_connections: count("MAX_CONNECTIONS", default.max_connections, problems),
            token_cache_size: count(
                "THRYVE_TOKEN_CACHE_SIZE",
                default.token_cache_size,
                problems,
            ),
            token_cache_ttl: secs(
                "THRYVE_TOKEN_CACHE_TTL_SECS",
                default.token_cache_ttl,
                problems,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let mut problems = Vec::new();
        assert_eq!(Limits::from_env(|_| None, &mut problems), Limits::default());
        let limits = Limits::from_env(
            |name| match name {
                "HEADER_TIMEOUT_SECS" => Some("2".into()),
                "MAX_CONNECTIONS" => Some("8".into()),
                "THRYVE_TOKEN_CACHE_SIZE" => Some("0".into()),
                "REQUEST_TIMEOUT_SECS" => Some("soon".into()),
                _ => None,
            },
            &mut problems,
        );
        assert_eq!(limits.header_timeout, Duration::from_secs(2));
        assert_eq!(limits.max_connections, 8);
        assert_eq!(
            problems,
            [
                "REQUEST_TIMEOUT_SECS \"soon\" must be a whole number of seconds above 0",
                "THRYVE_TOKEN_CACHE_SIZE \"0\" must be a whole number above 0",
            ]
        );
    }
}
